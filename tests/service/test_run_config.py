"""``[service]`` and ``[[sftp]]`` in translator.toml: durations, defaults, and errors that name the key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from translator.engine.config import load_config, parse_duration
from translator.engine.init import init_directory
from translator.errors import ConfigError
from translator.fileio import is_temporary_name
from translator.service import names

SFTP = '[[sftp]]\nname = "acme"\nhost = "h"\nusername = "u"\nknown_hosts = "kh"\nkey_file = "id"\n'


def config_with(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    (tmp_path / "translator.toml").write_text(text)
    return load_config(tmp_path / "translator.toml")


@pytest.mark.parametrize(("text", "seconds"), [("1h", 3600), ("15m", 900), ("1h30m", 5400), ("0.5s", 0.5),
                                                (90, 90), ("2d", 172800)])
def test_durations_are_read_from_text_or_seconds(text: object, seconds: float) -> None:
    assert parse_duration(text, "[service] pull_every") == seconds


def test_the_service_defaults_pull_hourly(tmp_path: Path) -> None:
    config = config_with(tmp_path, "")
    assert config.service.pull_every == 3600 and config.service.stable_seconds == 2 and config.sftp == ()


@pytest.mark.parametrize(("text", "named"), [
    ('[service]\npull_every = "hourly"\n', "pull_every"),
    ("[service]\nstable_secs = 2\n", "stable_secs"),
    ('[service]\npolling_observer = "yes"\n', "polling_observer"),
    (SFTP + "colour = 1\n", "colour"),
    ('[[sftp]]\nname = "acme"\nhost = "h"\nusername = "u"\nknown_hosts = "kh"\n', "password_env"),
    ('[[sftp]]\nname = "acme"\nusername = "u"\nknown_hosts = "kh"\nkey_file = "k"\n', "host"),
    (SFTP + 'after_download = "shred"\n', "after_download"),
    (SFTP + SFTP, "unique"),
])
def test_a_bad_setting_is_refused_naming_the_key(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        config_with(tmp_path, text)


def test_sftp_paths_are_relative_to_the_config_and_one_remote_dir_may_be_a_string(tmp_path: Path) -> None:
    partner = config_with(tmp_path, SFTP + 'remote_inbox = "/out"\nevery = "5m"\n').sftp[0]
    assert partner.known_hosts == tmp_path / "kh" and partner.key_file == tmp_path / "id"
    assert partner.remote_inbox == ("/out",) and partner.every == 300


def test_the_commented_examples_in_a_new_config_are_valid_when_uncommented(tmp_path: Path) -> None:
    path = init_directory(tmp_path)
    text = path.read_text()
    start = text.index("# translator run")
    path.write_text(text[:start] + re.sub(r"^# (\[service\]|\[\[sftp\]\]|[a-z_]+ = .*)$", r"\1", text[start:],
                                          flags=re.M))
    config = load_config(path)
    assert config.service.pull_every == 3600 and config.sftp[0].password_env == "ACME_SFTP_PASSWORD"


@pytest.mark.parametrize("name", ["a.csv.filepart", "a.csv.sftp-part", ".a.csv.swp", "a.csv~", "A.CSV.PART"])
def test_one_definition_of_temporary_names_serves_engine_watcher_and_sftp(name: str) -> None:
    assert is_temporary_name(name) and names.is_temporary_name is is_temporary_name
