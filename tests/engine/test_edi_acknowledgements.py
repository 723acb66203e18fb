"""EDI acknowledgements both ways: CONTRL/997 for the ERP's files, and the ERP's CONTRL for ours."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.engine.conftest import SANDBOX_URL
from translator.engine import batch, pull, push, status
from translator.engine.config import load_config
from translator.engine.context import open_engine
from translator.engine.init import init_directory
from translator.engine.store import StoreControlNumbers
from translator.formats import edifact

DATA = Path(__file__).parents[1] / "data" / "edifact"

EDIFACT_OUTBOUND = '''
[[outbound]]
document = "orders"
mapping = "mappings/orders.edifact.yaml"
name = "orders-{date}-{control_number}.edi"
partner = "edi"

[partners.edi]
sender_id = "AMAZONDF"
recipient_id = "999USERP"
'''


@pytest.fixture
def edi_engine(tmp_path, sandbox_session, clock):
    path = init_directory(tmp_path, endpoint=SANDBOX_URL)
    path.write_text(path.read_text() + EDIFACT_OUTBOUND)
    engine = open_engine(load_config(path), session=sandbox_session, clock=clock)
    engine.progress = lambda message: None
    yield engine
    engine.close()


def _read(path: Path):
    reader = edifact.reader(path)
    list(reader)
    return reader


@pytest.mark.parametrize(("name", "golden"), [("acknowledgements-1.edi", "ordrsp_in.edi"),
                                              ("shipment-confirmations-1.edi", "desadv_in.edi")])
def test_edifact_file_from_the_erp_is_answered_with_a_contrl_addressed_to_its_sender(edi_engine, name, golden):
    shutil.copy(DATA / golden, edi_engine.config.folders.inbox / name)
    push.push(edi_engine, submit=False)
    answer = _read(edi_engine.config.folders.results / f"{name}.contrl")
    received = _read(DATA / golden).interchanges[0]
    sent = answer.interchanges[0]
    assert (sent.recipient_id, sent.recipient_qualifier) == (received.sender_id, received.sender_qualifier)
    assert (sent.sender_id, sent.sender_qualifier) == (received.recipient_id, received.recipient_qualifier)
    (outcome,) = edifact.read_contrl(edifact.reader(edi_engine.config.folders.results / f"{name}.contrl"))
    assert outcome.interchange_ref == received.control_ref


def _contrl_for(engine, outbound: Path, target: Path, reject: bool) -> None:
    """What the ERP sends back: a CONTRL built from reading our ORDERS file."""
    received = _read(outbound)
    builder = edifact.contrl(received)
    if reject:
        builder.reject_message(received.messages[0].ref, "12")
    with open(target, "wb") as stream:
        builder.write(stream, control_numbers=StoreControlNumbers(engine.store))


def _edifact_outbound(engine) -> Path:
    (name,) = [f for f in pull.pull(engine).files if f.endswith(".edi")]
    return engine.config.folders.outbox / name


def test_contrl_accepting_our_orders_file_marks_it_acknowledged(edi_engine, clock):
    outbound = _edifact_outbound(edi_engine)
    _contrl_for(edi_engine, outbound, edi_engine.config.folders.inbox / "contrl-1.edi", reject=False)
    push.push(edi_engine, submit=False)
    row = edi_engine.store.one("SELECT ack_status FROM outbound_files WHERE name=?", outbound.name)
    assert row["ack_status"] == "A"
    clock.advance(days=2)
    assert outbound.name not in [f["file"] for f in status.outbound_flags(edi_engine)]


def test_contrl_rejecting_a_message_of_our_orders_file_is_flagged_in_status_and_summary(edi_engine):
    outbound = _edifact_outbound(edi_engine)
    _contrl_for(edi_engine, outbound, edi_engine.config.folders.inbox / "answer.contrl", reject=True)
    summary = batch.run_pass(edi_engine, do_pull=False)
    (flag,) = [f for f in status.outbound_flags(edi_engine) if f["file"] == outbound.name]
    assert flag["problem"].startswith("rejected") and "rejected" in flag["detail"]
    line = next(x for x in batch.render_summary(summary).splitlines() if x.startswith("OUTBOUND FILE"))
    assert f"{outbound.name}: rejected" in line


def test_orders_file_never_acknowledged_is_flagged_after_the_configured_time(edi_engine, clock):
    outbound = _edifact_outbound(edi_engine)
    assert outbound.name not in [f["file"] for f in status.outbound_flags(edi_engine)]
    clock.advance(seconds=edi_engine.config.timing.unacknowledged_after + 1)
    summary = batch.run_pass(edi_engine, do_pull=False)
    assert any(f["file"] == outbound.name and f["problem"].startswith("never")
               for f in summary.outbound_flags)


def test_a_contrl_handed_over_by_a_caller_that_only_knows_997s_is_still_read_as_a_contrl(edi_engine):
    from translator.engine import edi_acks

    outbound = _edifact_outbound(edi_engine)
    target = edi_engine.config.folders.work / "contrl-7.edi"
    _contrl_for(edi_engine, outbound, target, reject=False)
    assert edi_acks.apply_997(edi_engine, target) == 1
