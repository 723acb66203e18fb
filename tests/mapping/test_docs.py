"""docs/mappings.md: every titled example is written out, loaded and, where it shows output, run.

Blocks fenced as ```yaml title=NAME (mappings), ```csv title=NAME (inputs, code lists) and
```json title=MAPPING < INPUT (the expected request body) form a small working directory beside
copies of the shipped mappings. Untitled yaml fragments must at least be valid YAML.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import yaml

from tests.mapping.helpers import MAPPINGS, REPO
from translator.cli.map_cmd import bodies
from translator.mapping import load_mapping
from translator.mapping.validation import validate

DOC = REPO / "docs" / "mappings.md"
FENCE = re.compile(r"^```(\w*)(?: title=([^\n]+))?\n(.*?)^```\n", re.S | re.M)


def blocks() -> list[tuple[str, str | None, str]]:
    return [(m.group(1), m.group(2), m.group(3)) for m in FENCE.finditer(DOC.read_text(encoding="utf-8"))]


def workdir(tmp_path: Path) -> Path:
    shutil.copytree(MAPPINGS, tmp_path, dirs_exist_ok=True)
    for lang, title, body in blocks():
        if title and lang in ("yaml", "csv"):
            (tmp_path / title).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / title).write_text(body, encoding="utf-8")
    return tmp_path


def test_the_doc_has_titled_examples_with_outputs() -> None:
    kinds = [(lang, title) for lang, title, _ in blocks() if title]
    assert sum(1 for lang, _ in kinds if lang == "yaml") >= 3
    assert any(lang == "json" for lang, _ in kinds)


def test_every_titled_yaml_example_loads(tmp_path: Path) -> None:
    directory = workdir(tmp_path)
    for lang, title, _ in blocks():
        if lang == "yaml" and title:
            load_mapping(directory / title)


def test_every_untitled_yaml_fragment_parses() -> None:
    for lang, title, body in blocks():
        if lang == "yaml" and not title:
            assert isinstance(yaml.safe_load(body.replace("[...]", "[]")), dict)


def test_every_shown_output_is_what_the_mapping_produces(tmp_path: Path) -> None:
    directory = workdir(tmp_path)
    shown = [(title, body) for lang, title, body in blocks() if lang == "json" and title]
    for title, body in shown:
        mapping_name, input_name = (part.strip() for part in title.split("<"))
        mapping = load_mapping(directory / mapping_name)
        documents = list(mapping.read(directory / input_name))
        assert [validate(d, None) for d in documents] == [[] for _ in documents]
        [line] = bodies(mapping.document, [d.item for d in documents])
        assert json.loads(line) == json.loads(body)


def test_the_code_list_variant_maps_words_to_codes(tmp_path: Path) -> None:
    directory = workdir(tmp_path)
    (directory / "words.csv").write_text(
        (directory / "acme-acks.csv").read_text(encoding="utf-8").replace(";00\n", ";OK\n").replace(";03\n", ";NOSTOCK\n"),
        encoding="utf-8")
    [doc] = load_mapping(directory / "acme-acknowledgements-words.yaml").read(directory / "words.csv")
    assert doc.problems == []
    assert doc.item["acknowledgementStatus"] == {"code": "03", "description": "Canceled out of stock"}


def test_the_python_example_runs(tmp_path: Path, monkeypatch) -> None:
    from tests.mapping.helpers import DATA

    shutil.copytree(MAPPINGS, tmp_path / "mappings")
    shutil.copy(DATA / "csv" / "acknowledgements.csv", tmp_path / "acks.csv")
    monkeypatch.chdir(tmp_path)
    [code] = [body for lang, _, body in blocks() if lang == "python"]
    namespace = {"orders": json.loads((DATA / "orders.json").read_text(encoding="utf-8"))["orders"]}
    exec(compile(code, "docs/mappings.md", "exec"), namespace)  # noqa: S102 - our own documentation
    assert (tmp_path / "orders.x12").read_bytes().count(b"ST*850*") == 2


def filter_table() -> list[tuple[str, str]]:
    """``(expression, expected literal)`` for every filter-table row whose result starts with a literal."""
    text = DOC.read_text(encoding="utf-8").split("## Filters", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in text.splitlines():
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) == 3 and cells[1].startswith("`") and cells[2].startswith("`"):
            rows.append((cells[1].strip("`"), cells[2].split("`")[1]))
    return rows


def test_every_filter_example_gives_the_documented_result() -> None:
    from tests.mapping.helpers import DATA
    from translator.mapping.expressions import new_environment
    from translator.mapping.loader import compile_mapping

    codelists = compile_mapping(MAPPINGS / "acknowledgements.csv.yaml").codelists
    env = new_environment(codelists)
    order = json.loads((DATA / "orders.json").read_text(encoding="utf-8"))["orders"][0]
    examples = filter_table()
    assert len(examples) >= 10
    for expression, expected in examples:
        value = env.compile_expression(expression, undefined_to_none=False)(order=order, rows=[])
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        assert shown == expected, expression
