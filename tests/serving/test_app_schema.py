"""Schemathesis against the running service's OpenAPI schema: generated requests,
valid and invalid, never get a server error (every bad input is a 4xx with a message)."""

from __future__ import annotations

import pytest

pytest.importorskip("uvicorn", reason="the service tests need the serving extra")
schemathesis = pytest.importorskip("schemathesis", reason="needs schemathesis (test extra)")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from tests.serving.service_helpers import (  # noqa: E402
    TOKEN,
    publish,
    start_service,
    stop_service,
    write_titles,
)


@pytest.fixture(scope="module")
def service(tmp_path_factory, als, train):
    folder = tmp_path_factory.mktemp("schema")
    registry = publish(folder / "registry", als, train)
    titles = write_titles(folder / "items.parquet", train)
    process, url = start_service(folder, registry, "--items", str(titles), "--log-dir",
                                 str(folder / "logs"), "--unknown-user", "popular")
    yield url
    stop_service(process)


@pytest.mark.slow
def test_no_server_errors(service):
    schema = schemathesis.openapi.from_url(f"{service}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        _fuzz(operation)


def _fuzz(operation) -> None:
    headers = ({"Authorization": f"Bearer {TOKEN}"} if operation.path.startswith("/admin")
               else None)

    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def check(case):
        response = case.call(headers=headers, timeout=30)
        case.validate_response(response, checks=[not_a_server_error,
                                                 response_schema_conformance])
        if response.status_code >= 400:
            assert response.json().get("detail"), response.text

    check()
