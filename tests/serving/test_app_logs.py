"""Request and event logs (rotated Parquet), A/B variants by stable hash, `recstack online`
and the training-serving skew check."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.serving.request_log import read_log  # noqa: E402
from recstack.serving.variants import VariantAssigner, bucket  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.fixture
def registry(tmp_path, als, train):
    return publish(tmp_path / "registry", als, train)


def test_bucket_is_the_scaled_sha256_prefix():
    digest = hashlib.sha256(b"salt:user-7").hexdigest()
    assert bucket("user-7", "salt") == int(digest[:16], 16) / 2**64


def test_variant_shares_hold_and_assignment_is_stable():
    assigner = VariantAssigner(["a", "b", "c"], [0.5, 0.3, 0.2], "exp1")
    ids = [f"u{i}" for i in range(20_000)]
    arms = np.array([assigner.assign(u) for u in ids])
    for name, share in (("a", 0.5), ("b", 0.3), ("c", 0.2)):
        sigma = np.sqrt(share * (1 - share) / len(ids))
        assert abs((arms == name).mean() - share) < 4 * sigma
    again = VariantAssigner(["a", "b", "c"], [0.5, 0.3, 0.2], "exp1")
    assert [again.assign(u) for u in ids[:500]] == arms[:500].tolist()
    other_salt = VariantAssigner(["a", "b", "c"], [0.5, 0.3, 0.2], "exp2")
    assert [other_salt.assign(u) for u in ids[:500]] != arms[:500].tolist()


def test_request_log_rotates_and_holds_what_was_served(tmp_path, registry, als):
    logs = tmp_path / "logs"
    users = [str(u) for u in als.users_.external_ids[:7]]
    with client(settings(registry, log_dir=str(logs), log_rotate_rows=3,
                         log_rotate_seconds=3600)) as http:
        bodies = [http.get(f"/users/{u}/recommendations", params={"k": 4}).json()
                  for u in users]
    files = sorted((logs / "requests").glob("requests-*.parquet"))
    # at most 3 rows a file: 3 + 3 rotated by size, the last one at shutdown
    assert [len(pd.read_parquet(f)) for f in files] == [3, 3, 1]
    log = read_log(logs / "requests", "requests").set_index("request_id")
    assert len(log) == 7
    for body in bodies:
        row = log.loc[body["request_id"]]
        assert list(row["items"]) == [it["item_id"] for it in body["items"]]
        assert list(row["positions"]) == [1, 2, 3, 4]
        np.testing.assert_allclose(row["scores"], [it["score"] for it in body["items"]],
                                   rtol=1e-6)
        assert (row["user_id"], row["variant"], row["model"]) == (
            body["user_id"], "default", "als@1")
        assert row["endpoint"] == "user" and row["vector_source"] == "model"


def test_variants_serve_their_versions_by_hash(tmp_path, registry, als, train):
    registry.publish("als", als, data=train)
    variants = [{"name": "control", "model": "als@1", "share": 0.5},
                {"name": "test", "model": "als@2", "share": 0.5}]
    users = [str(u) for u in als.users_.external_ids[:40]]
    with client(settings(registry, variants=variants, variant_salt="s1")) as http:
        bodies = [http.get(f"/users/{u}/recommendations").json() for u in users]
    expected = {"control": "als@1", "test": "als@2"}
    for user, body in zip(users, bodies, strict=True):
        arm = "control" if bucket(user, "s1") < 0.5 else "test"
        assert (body["variant"], body["model"]) == (arm, expected[arm])
    assert {b["variant"] for b in bodies} == {"control", "test"}


def test_recstack_online_measures_the_event_log(tmp_path, registry, capsys):
    from recstack.cli import main

    logs = tmp_path / "logs"
    variants = [{"name": "control", "model": "als", "share": 0.5},
                {"name": "test", "model": "als", "share": 0.5}]
    users = [f"visitor{i}" for i in range(40)]
    arm = {u: "control" if bucket(u, "s2") < 0.5 else "test" for u in users}
    events = []
    for i, user in enumerate(users):
        t = 1.7e9 + 1000.0 * i
        events.append({"event": "impression", "user_id": user, "item_id": "1", "timestamp": t})
        events.append({"event": "impression", "user_id": user, "item_id": "2", "timestamp": t})
        if arm[user] == "test" or i % 4 == 0:  # test: every user clicks; control: 1 in 4
            events.append({"event": "click", "user_id": user, "item_id": "2",
                           "timestamp": t + 30})
        if arm[user] == "test" and i % 2 == 0:
            events.append({"event": "purchase", "user_id": user, "item_id": "2",
                           "timestamp": t + 90, "revenue": 10.0, "cost": 2.0})
    with client(settings(registry, variants=variants, variant_salt="s2",
                         log_dir=str(logs))) as http:
        answer = http.post("/events", json={"events": events})
    assert answer.status_code == 202 and answer.json() == {"accepted": len(events)}
    assert main(["online", str(logs), "--control", "control"]) == 0
    out = capsys.readouterr().out
    n = {a: sum(1 for u in users if arm[u] == a) for a in ("control", "test")}
    control_clicks = sum(1 for i, u in enumerate(users) if arm[u] == "control" and i % 4 == 0)
    # hand-worked: two impressions per visitor; CTR = clicks / impressions
    assert f"| control | {n['control']} | {2 * n['control']} | {control_clicks} |" in out
    assert f"{control_clicks / (2 * n['control']):.4g}" in out
    assert "| test | " in out and "| ctr | test |" in out and "two-proportion z-test" in out
    test_purchases = sum(1 for i, u in enumerate(users) if arm[u] == "test" and i % 2 == 0)
    assert f"| conversion_rate | test | 0 | {test_purchases / n['test']:.4g} |" in out


def test_online_refuses_a_folder_without_events(tmp_path, capsys):
    from recstack.cli import main

    assert main(["online", str(tmp_path)]) == 2
    assert "no events-*.parquet" in capsys.readouterr().err


def test_skew_check_finds_no_mismatch_then_finds_a_tampered_score(tmp_path, registry, als):
    from recstack.serving.skew import check_skew

    logs = tmp_path / "logs"
    with client(settings(registry, log_dir=str(logs), unknown_user="popular")) as http:
        for user in als.users_.external_ids[:6]:
            http.get(f"/users/{user}/recommendations", params={"k": 5})
        http.post("/recommendations/new-user",
                  json={"items": [str(i) for i in als.items_.external_ids[:3]]})
        http.get("/users/stranger/recommendations")
    report = check_skew(logs, registry)
    assert (report.checked, report.mismatched) == (7, 0)
    assert report.skipped == {"popularity fallback": 1}
    files = sorted((logs / "requests").glob("*.parquet"))
    table = pd.read_parquet(files[0])
    table.at[0, "scores"] = np.asarray(table.at[0, "scores"]) + 0.01
    table.to_parquet(files[0])
    tampered = check_skew(logs, registry)
    assert tampered.mismatched == 1
    assert tampered.mismatches.iloc[0]["what"] == "scores"


def test_the_skew_command_prints_the_report_and_exits_1_on_a_mismatch(tmp_path, registry, als,
                                                                      capsys):
    from recstack.cli import main

    logs = tmp_path / "logs"
    with client(settings(registry, log_dir=str(logs))) as http:
        for user in als.users_.external_ids[:3]:
            http.get(f"/users/{user}/recommendations", params={"k": 5})
    assert main(["skew", str(logs), "--registry", str(registry.root)]) == 0
    assert "requests recomputed: 3; with a mismatch: 0" in capsys.readouterr().out
    files = sorted((logs / "requests").glob("*.parquet"))
    table = pd.read_parquet(files[0])
    table.at[1, "items"] = list(reversed(table.at[1, "items"]))
    table.to_parquet(files[0])
    assert main(["skew", str(logs), "--registry", str(registry.root)]) == 1
    out = capsys.readouterr().out
    assert "with a mismatch: 1" in out and "| items |" in out, out
    assert main(["skew", str(tmp_path / "nowhere"), "--registry", str(registry.root)]) == 2
    with pytest.raises(SystemExit) as refused:  # argparse's own exit
        main(["skew", str(logs), "--registry", str(registry.root), "--tolerance", "-1"])
    assert refused.value.code == 2
    assert "--tolerance: must be a finite number >= 0" in capsys.readouterr().err


def test_parquet_log_rotates_by_time_and_keeps_the_newest_files(tmp_path):
    import time

    from recstack.serving.request_log import EVENT_SCHEMA, ParquetLog

    log = ParquetLog(tmp_path, "events", EVENT_SCHEMA, rotate_rows=1000, rotate_seconds=0.2,
                     keep_files=2)
    for i in range(4):
        log.append({"event": "click", "user_id": str(i), "timestamp": float(i)})
        deadline = time.monotonic() + 5
        while log.files_written < i + 1 and time.monotonic() < deadline:
            time.sleep(0.05)  # written by the log's thread, without a flush call
    log.close()
    files = sorted(tmp_path.glob("events-*.parquet"))
    assert log.files_written == 4 and len(files) == 2
    table = read_log(tmp_path, "events")
    assert table["user_id"].tolist() == ["2", "3"]
    assert table["revenue"].isna().all()  # missing keys are nulls
