"""Seventeenth bad-input probe of `recstack skew` on hand-edited request logs. A score
written as text was numpy's "could not convert string to float" traceback; a missing
(null) score compared false with every tolerance, so the request passed as recomputed
without a mismatch; rows without a ``model`` were dropped by the grouping, so the check
passed having recomputed none of them ("requests recomputed: 0", exit status 0); a missing
``endpoint`` was skipped as "nan not recomputed"; and ``exclude_seen`` written as the text
"false" was read as true. Each is now one line naming the file, row, request and column."""

from __future__ import annotations

import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.cli import main  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.fixture(scope="module")
def served(tmp_path_factory, als, train):
    root = tmp_path_factory.mktemp("seventeenth-skew")
    registry = publish(root / "registry", als, train)
    logs = root / "logs"
    with client(settings(registry, log_dir=str(logs))) as http:
        for user in als.users_.external_ids[:3]:
            assert http.get(f"/users/{user}/recommendations", params={"k": 4}).status_code \
                == 200
    return registry, logs


@pytest.fixture
def logs(tmp_path, served):
    copy = tmp_path / "logs"
    shutil.copytree(served[1], copy)
    return copy


def _edit(logs, column: str, values: pa.Array) -> tuple[str, str]:
    """Replace ``column`` of the request file; returns the file and row 0's request id."""
    (path,) = sorted((logs / "requests").glob("requests-*.parquet"))
    table = pq.read_table(path)
    table = table.set_column(table.schema.get_field_index(column), column, values)
    pq.write_table(table, path)
    return str(path), table.column("request_id")[0].as_py()


def _skew_error(logs, registry, capsys) -> str:
    assert main(["skew", str(logs), "--registry", str(registry.root)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    (line,) = err.strip().splitlines()
    assert line.startswith("recstack: error: "), err
    return line


def test_the_unedited_log_passes(logs, served, capsys):
    assert main(["skew", str(logs), "--registry", str(served[0].root)]) == 0
    assert "requests recomputed: 3; with a mismatch: 0" in capsys.readouterr().out


@pytest.mark.parametrize(("scores", "shown"), [
    (pa.array([["x"] * 4] * 3, pa.list_(pa.string())), "'x'"),
    (pa.array([[None] * 4] * 3, pa.list_(pa.float32())), "nan"),
])
def test_a_score_that_is_not_a_number_is_named(logs, served, capsys, scores, shown):
    path, request = _edit(logs, "scores", scores)
    line = _skew_error(logs, served[0], capsys)
    assert f"{path}: row 0 (request {request}): 'scores' holds {shown} at position 1; " \
           "expected a finite number per item" in line


@pytest.mark.parametrize(("column", "values", "expected"), [
    ("model", pa.array([None] * 3, pa.string()),
     "'model' is nan; expected the name@version that served the request"),
    ("model", pa.array([1] * 3, pa.int64()),
     "'model' is 1; expected the name@version that served the request"),
    ("endpoint", pa.array([None] * 3, pa.string()),
     "'endpoint' is nan; expected 'user', 'new-user' or 'similar'"),
])
def test_a_row_without_its_model_or_endpoint_is_named(logs, served, capsys, column, values,
                                                      expected):
    path, request = _edit(logs, column, values)
    line = _skew_error(logs, served[0], capsys)
    assert f"{path}: row 0 (request {request}): {expected}" in line


def test_exclude_seen_written_as_text_is_named(logs, served, capsys):
    path, request = _edit(logs, "exclude_seen", pa.array(["false"] * 3))
    line = _skew_error(logs, served[0], capsys)
    assert f"{path}: row 0 (request {request}): 'exclude_seen' is 'false'; expected true " \
           "or false" in line
