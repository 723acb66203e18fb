"""Every static sandbox example in the official v1 models parses through the client (DIGEST §9)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import accept_everything
from tests.api.fakes import CREDS, ENDPOINT, Answer, FakeAmazon, FakeTime, session_with
from tests.conftest import SHARED_DIR
from translator.api.client import SpApiClient
from translator.api.envelope import normalise_errors
from translator.api.operations import match_path
from translator.errors import ApiError

MODELS = SHARED_DIR / "spapi-models"


def _examples(models: Path) -> Iterator[tuple[str, str, str, int, dict[str, Any], Any]]:
    for model_file in sorted(models.glob("*.json")):
        model = json.loads(model_file.read_text(encoding="utf-8"))
        for path, item in model["paths"].items():
            for method, spec in item.items():
                if not isinstance(spec, dict) or "responses" not in spec:
                    continue
                for status, response in spec["responses"].items():
                    for example in (response.get("x-amzn-api-sandbox") or {}).get("static", []):
                        yield (model_file.stem, method.upper(), path, int(status),
                               example["request"].get("parameters", {}), example["response"])


ALL = list(_examples(MODELS)) if MODELS.is_dir() else []


def test_the_models_hold_54_static_examples(spapi_models_dir: Path) -> None:
    assert len(list(_examples(spapi_models_dir))) == 54


def _request(method: str, path: str, parameters: dict[str, Any]) -> tuple[str, str, dict, dict, Any]:
    op, _ = match_path(method, path.replace("{", "").replace("}", ""))
    values = {name: (spec or {}).get("value") for name, spec in parameters.items()}
    body = values.pop("body", None)
    path_params = {name: str(values.pop(name, None) or "mock") for name in op.path_params}
    return op.name, op.version, path_params, {k: v for k, v in values.items() if v is not None}, body


@pytest.mark.parametrize(("model", "method", "path", "status", "parameters", "response"), ALL,
                         ids=[f"{a[0]}-{a[1]}-{a[3]}-{i}" for i, a in enumerate(ALL)])
def test_static_example_response_parses(spapi_models_dir: Path, model: str, method: str, path: str,
                                        status: int, parameters: dict, response: Any) -> None:
    fake, fake_time = FakeAmazon(), FakeTime()
    client = SpApiClient(ENDPOINT, CREDS, session=session_with(fake), clock=fake_time.clock,
                         sleep=fake_time.sleep, validator=accept_everything, max_attempts=1)
    name, version, path_params, query, body = _request(method, path, parameters)
    fake.script(name, Answer(status, response))
    if status < 300:
        result = client.call(name, path_params=path_params, query=query, body=body, version=version)
        expected = response.get("payload", response)
        assert result == expected
        assert "payload" not in result
    else:
        with pytest.raises(ApiError) as caught:
            client.call(name, path_params=path_params, query=query, body=body, version=version)
        assert caught.value.status == status
        assert caught.value.errors == normalise_errors(response)
        assert caught.value.errors and all(set(e) == {"code", "message", "details"} for e in caught.value.errors)
    sent = fake.calls(name)[-1]
    assert (sent.op.name, sent.op.version) == (name, version)
