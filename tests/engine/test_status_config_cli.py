"""Status clocks with a frozen clock, configuration errors, and the CLI commands."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from translator.cli.main import cli
from translator.engine import status
from translator.engine.config import load_config, parse_config, sqlite_path
from translator.errors import ConfigError


def _order(po: str, placed: datetime, ship_by: datetime) -> dict:
    return {"purchaseOrderNumber": po, "orderDetails": {
        "orderDate": placed.strftime("%Y-%m-%dT%H:%M:%SZ"), "orderStatus": "NEW",
        "shipFromParty": {"partyId": "ABCD"},
        "shipmentDetails": {"shipmentDates": {"requiredShipDate": ship_by.strftime("%Y-%m-%dT%H:%M:%SZ")}},
        "items": []}}


def _store_order(engine, order):
    with engine.store.transaction() as db:
        engine.store.upsert_order(order, "amazon", db)


def test_unacknowledged_order_is_overdue_after_24_hours_and_due_soon_before(engine, clock):
    now = clock.now
    _store_order(engine, _order("LATE0001", now - timedelta(hours=25), now + timedelta(days=2)))
    _store_order(engine, _order("SOON0001", now - timedelta(hours=22), now + timedelta(days=2)))
    _store_order(engine, _order("FINE0001", now - timedelta(hours=1), now + timedelta(days=2)))
    found = {s.po: s for s in status.collect(engine)}
    assert (found["LATE0001"].next_step, found["LATE0001"].flag) == ("acknowledge", "OVERDUE")
    assert found["SOON0001"].flag == "DUE-SOON"
    assert found["FINE0001"].flag == ""


def test_accepted_order_not_shipped_by_required_date_is_overdue(engine, clock):
    now = clock.now
    _store_order(engine, _order("SHIP0001", now - timedelta(hours=30), now - timedelta(hours=1)))
    with engine.store.transaction() as db:
        db.execute("UPDATE orders SET status='ACCEPTED' WHERE po='SHIP0001'")
    (found,) = status.collect(engine, "SHIP0001")
    assert (found.next_step, found.flag) == ("ship", "OVERDUE")
    assert "OVERDUE" in status.render_table([found])


def test_outbound_edi_file_without_997_is_flagged_after_the_configured_time(engine, clock):
    with engine.store.transaction() as db:
        db.execute("INSERT INTO outbound_files(name, kind, sent_at) VALUES ('o.x12','x12',?)",
                   (engine.store.now(),))
    assert status.outbound_flags(engine) == []
    clock.advance(days=2)
    assert status.outbound_flags(engine)[0]["file"] == "o.x12"


@pytest.mark.parametrize(("text", "message"), [
    ('[api]\nbatch_size = "ten"', "[api] batch_size"),
    ('[vendor]\nlabel_mode = "pigeon"', "label_mode"),
    ('[store]\nurl = "postgresql://db/x"', "only sqlite is implemented"),
    ('[[inbound]]\npattern = "*.csv"', "mapping is missing"),
    ('[[outbound]]\nmapping = "m.yaml"\nper = "week"', "per = 'week'"),
    ('[timing]\nprerequisite_timeout = -1', "must not be negative"),
    ('[api]\nendpiont = "na"', "unknown key(s) endpiont"),
])
def test_config_mistakes_name_the_key_and_what_to_do(tmp_path, text, message):
    import tomllib

    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_config(tomllib.loads(text), tmp_path)


def test_missing_config_tells_how_to_create_one(tmp_path):
    with pytest.raises(ConfigError, match="translator init"):
        load_config(tmp_path / "translator.toml")


def test_sqlite_url_is_relative_to_the_working_directory(tmp_path):
    assert sqlite_path("sqlite:///state.db", tmp_path) == tmp_path / "state.db"
    assert sqlite_path("sqlite:////var/x.db", tmp_path).as_posix() == "/var/x.db"


def test_init_creates_a_working_directory_with_routes_for_shipped_mappings(tmp_path):
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "wd")])
    assert result.exit_code == 0, result.output
    config = load_config(tmp_path / "wd" / "translator.toml")
    assert all(folder.is_dir() for folder in config.folders.all())
    assert config.database_path.exists()
    assert any(r.pattern.startswith("acknowledgements") for r in config.inbound)
    assert all(r.mapping.exists() for r in (*config.inbound, *config.outbound))
    again = CliRunner().invoke(cli, ["init", str(tmp_path / "wd")])
    assert again.exit_code != 0


def test_status_command_prints_json_for_an_empty_store(tmp_path):
    CliRunner().invoke(cli, ["init", str(tmp_path)])
    result = CliRunner().invoke(cli, ["status", "--dir", str(tmp_path), "--as-json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"orders": [], "outbound": [], "documents": {}, "service": None}


def test_status_shows_the_running_service_health_line(tmp_path):
    import sqlite3

    from translator.service.runner import HEALTH_META, Health

    CliRunner().invoke(cli, ["init", str(tmp_path)])
    health = Health(pid=4242, files_seen=3, files_pushed=2, submitted=5)
    with sqlite3.connect(tmp_path / "state.db") as db:
        db.execute("INSERT INTO meta(key, value) VALUES (?, ?)", (HEALTH_META, json.dumps(health.to_dict())))
    result = CliRunner().invoke(cli, ["status", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"service (running, pid 4242): {health.line()}" in result.output


def test_frozen_clock_is_timezone_aware(clock):
    assert clock.now.tzinfo is UTC
    assert isinstance(clock(), datetime)


def test_json_log_formatter_emits_one_object_per_line():
    import logging

    from translator.engine.logs import JsonFormatter

    record = logging.LogRecord("translator.engine", logging.INFO, __file__, 1, "pull: %d new", (3,), None)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "pull: 3 new" and entry["level"] == "INFO"


def test_batch_fails_when_a_file_lands_in_errors():
    from translator.engine import batch as batch_mod

    assert batch_mod.BatchSummary(closed_files=[("a.csv", "errors")]).failed
    assert not batch_mod.BatchSummary(closed_files=[("a.csv", "archive")]).failed


def test_batch_command_pulls_from_a_sandbox_over_http_and_prints_a_summary(tmp_path):
    from translator.sandbox import SandboxConfig, SandboxServer

    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(tmp_path)]).exit_code == 0
    with SandboxServer(SandboxConfig(orders=5, seed=2, transaction_delay=0, port=0)) as server:
        result = runner.invoke(cli, ["batch", "--dir", str(tmp_path), "--endpoint", server.url])
    assert result.exit_code == 0, result.output
    assert "orders fetched / new" in result.output and "5 / 5" in result.output
    status_result = runner.invoke(cli, ["status", "--dir", str(tmp_path)])
    assert status_result.output.count("NEW") == 5


def test_shipment_confirmation_not_accepted_within_4_hours_of_shipping_is_overdue(engine, clock):
    now = clock.now
    _store_order(engine, _order("CONF0001", now - timedelta(hours=30), now + timedelta(hours=5)))
    with engine.store.transaction() as db:
        db.execute("UPDATE orders SET status='ACCEPTED' WHERE po='CONF0001'")
        shipped = (now - timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        item = {"purchaseOrderNumber": "CONF0001", "shipmentDetails": {"shippedDate": shipped}}
        db.execute("INSERT INTO documents(kind, key, content_hash, identity, item, pos, state, created, updated) "
                   "VALUES ('shipment-confirmations','CONF0001','h','i',?,'[\"CONF0001\"]','waiting',?,?)",
                   (json.dumps(item), engine.store.now(), engine.store.now()))
        db.execute("INSERT INTO document_pos(document_id, po) SELECT MAX(id), 'CONF0001' FROM documents")
    (found,) = status.collect(engine, "CONF0001")
    assert (found.next_step, found.flag) == ("confirm shipment", "OVERDUE")
