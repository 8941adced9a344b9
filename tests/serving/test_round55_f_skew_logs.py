"""``recstack skew`` on the request logs a real service leaves: a part compressed by a log
rotation (it was skipped without a word), a part copied beside itself (each of its requests
recomputed and counted twice) and parts of an older schema beside newer ones."""

from __future__ import annotations

import gzip
import shutil

import pyarrow.parquet as pq
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.cli import main  # noqa: E402
from recstack.serving.skew import check_skew  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402

USERS = 4


@pytest.fixture(scope="module")
def served(tmp_path_factory, als, train):
    root = tmp_path_factory.mktemp("round55-skew")
    registry = publish(root / "registry", als, train)
    logs = root / "logs"
    # two services' runs, two parts of the request log
    for first in (0, 2):
        with client(settings(registry, log_dir=str(logs))) as http:
            for user in als.users_.external_ids[first:first + 2]:
                assert http.get(f"/users/{user}/recommendations",
                                params={"k": 4}).status_code == 200
    return registry, logs


@pytest.fixture
def logs(tmp_path, served):
    copy = tmp_path / "logs"
    shutil.copytree(served[1], copy)
    return copy


def _parts(logs):
    return sorted((logs / "requests").glob("requests-*.parquet"))


def test_the_log_as_written_is_recomputed_whole(logs, served):
    assert len(_parts(logs)) == 2
    report = check_skew(logs, served[0])
    assert (report.checked, report.mismatched, report.skipped) == (USERS, 0, {})


def test_a_part_compressed_by_a_log_rotation_is_recomputed(logs, served, capsys):
    older = _parts(logs)[0]
    with older.open("rb") as plain, gzip.open(f"{older}.gz", "wb") as packed:
        shutil.copyfileobj(plain, packed)
    older.unlink()
    assert main(["skew", str(logs), "--registry", str(served[0].root)]) == 0
    # it was "requests recomputed: 2", the compressed part's requests never looked at
    assert f"requests recomputed: {USERS}; with a mismatch: 0" in capsys.readouterr().out


def test_a_part_copied_beside_itself_is_recomputed_once(logs, served):
    original = _parts(logs)[1]
    copy = original.with_name(original.name.replace("Z-", "Z-9", 1))
    shutil.copyfile(original, copy)
    with pytest.warns(UserWarning) as caught:
        report = check_skew(logs, served[0])
    # each request once: it was 6 recomputed, the copied part's requests twice
    assert report.checked == USERS
    assert report.skipped == {
        "logged again under the same request_id (a part of the log copied twice?)": 2}
    (message,) = [str(w.message) for w in caught]
    first = pq.read_table(original).column("request_id")[0].as_py()
    assert message.startswith(f"{copy}: row 0 logs request {first} again (first at "
                              f"{original}: row 0); 2 row(s) repeat a request_id")


def test_parts_of_an_older_schema_are_read_beside_newer_ones(logs, served):
    older = _parts(logs)[0]
    table = pq.read_table(older)
    # a part written before the log kept the context, exclude_seen and shortfall
    pq.write_table(table.drop_columns(["context", "exclude_seen", "shortfall"]), older)
    report = check_skew(logs, served[0])
    assert (report.checked, report.mismatched) == (USERS, 0)
