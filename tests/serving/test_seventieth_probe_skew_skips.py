"""``recstack skew`` skipped every request of a version it could not load as "is no longer
in the registry", whatever the reason: a name in another case in the log (``ALS@1`` for
``als@1``) or a damaged version read as deleted. The skip now gives the registry's reason."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.serving.skew import check_skew  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.fixture
def logged(tmp_path, popular, train):
    registry = publish(tmp_path / "registry", popular, train)
    users = [str(u) for u in train.users.external_ids[:3]]
    with client(settings(registry, log_dir=str(tmp_path / "logs"))) as http:
        for user in users:
            assert http.get(f"/users/{user}/recommendations?k=5").status_code == 200
    return registry, tmp_path / "logs"


def _set_model(logs: Path, reference: str) -> None:
    for path in (logs / "requests").glob("*.parquet"):
        table = pq.read_table(path)
        column = table.schema.get_field_index("model")
        pq.write_table(table.set_column(column, "model",
                                        pa.array([reference] * table.num_rows)), path)


def test_a_name_in_another_case_is_skipped_with_the_registry_hint(logged):
    registry, logs = logged
    _set_model(logs, "ALS@1")
    report = check_skew(logs, registry)
    assert report.checked == 0
    ((reason, count),) = report.skipped.items()
    assert count == 3
    assert reason.startswith("ALS@1 cannot be loaded from the registry: ")
    assert "no model named 'ALS' (did you mean 'als'?)" in reason


def test_a_damaged_version_is_not_called_deleted(logged):
    registry, logs = logged
    (Path(registry.root) / "als" / "versions" / "00000001" / "model" /
     "model.json").write_text("{}")
    report = check_skew(logs, registry)
    ((reason, count),) = report.skipped.items()
    assert count == 3 and "no longer" not in reason
    assert "model.json: checksum mismatch" in reason


def test_the_served_version_is_still_checked(logged):
    registry, logs = logged
    report = check_skew(logs, registry)
    assert (report.checked, report.mismatched, report.skipped) == (3, 0, {})
