"""`recstack online` and `recstack skew` on damaged, misplaced or hand-edited log files,
a wrong registry, requests served with exclude_seen=false, and the serve/online argument
ranges: one line naming the file (and row), exit status 2, no traceback."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.cli import main  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.fixture(scope="module")
def served(tmp_path_factory, als, train):
    """A registry and the logs of a few requests and events, built once; tests copy them."""
    root = tmp_path_factory.mktemp("served")
    registry = publish(root / "registry", als, train)
    logs = root / "logs"
    with client(settings(registry, log_dir=str(logs))) as http:
        for user in als.users_.external_ids[:4]:
            assert http.get(f"/users/{user}/recommendations", params={"k": 5}).status_code \
                == 200
        events = [{"event": "impression", "user_id": "v1", "item_id": "1", "timestamp": 1.7e9 + 1},
                  {"event": "click", "user_id": "v1", "item_id": "1", "timestamp": 1.7e9 + 5},
                  {"event": "impression", "user_id": "v2", "item_id": "2", "timestamp": 1.7e9 + 9}]
        assert http.post("/events", json={"events": events}).status_code == 202
    return registry, logs


@pytest.fixture
def logs(tmp_path, served):
    copy = tmp_path / "logs"
    shutil.copytree(served[1], copy)
    return copy


@pytest.fixture
def registry(served):
    return served[0]


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("recstack: error: "), err
    return lines[0]


def _damage(path, how: str) -> None:
    good = path.read_bytes()
    if how == "truncated":
        path.write_bytes(good[:300])
    elif how == "empty":
        path.write_bytes(b"")
    else:
        path.write_text("user,item\n1,2\n")


@pytest.mark.parametrize("how", ["truncated", "empty", "text"])
def test_online_refuses_a_damaged_event_file_naming_it(logs, capsys, how):
    damaged = logs / "events" / "events-x.parquet"
    shutil.copy(next((logs / "events").glob("events-*.parquet")), damaged)
    _damage(damaged, how)
    assert main(["online", str(logs)]) == 2
    line = _one_error_line(capsys)
    assert f"{damaged}: not a readable Parquet file (damaged or truncated" in line


@pytest.mark.parametrize("how", ["truncated", "empty", "text"])
def test_skew_refuses_a_damaged_request_file_naming_it(logs, registry, capsys, how):
    damaged = logs / "requests" / "requests-x.parquet"
    shutil.copy(next((logs / "requests").glob("requests-*.parquet")), damaged)
    _damage(damaged, how)
    assert main(["skew", str(logs), "--registry", str(registry.root)]) == 2
    assert f"{damaged}: not a readable Parquet file" in _one_error_line(capsys)


def test_skew_refuses_an_event_file_among_the_requests(logs, registry, capsys):
    misplaced = logs / "requests" / "requests-zz.parquet"
    shutil.copy(next((logs / "events").glob("events-*.parquet")), misplaced)
    assert main(["skew", str(logs), "--registry", str(registry.root)]) == 2
    line = _one_error_line(capsys)
    # the event schema has none of these request columns
    assert f"{misplaced}: lacks column(s) endpoint, k, input_items, items, scores" in line


def test_online_refuses_a_request_file_among_the_events(logs, capsys):
    misplaced = logs / "events" / "events-zz.parquet"
    shutil.copy(next((logs / "requests").glob("requests-*.parquet")), misplaced)
    assert main(["online", str(logs)]) == 2
    assert f"{misplaced}: lacks column(s) session_id, event, timestamp" in \
        _one_error_line(capsys)


def test_skew_refuses_a_registry_that_is_missing_or_empty(logs, tmp_path, capsys):
    assert main(["skew", str(logs), "--registry", str(tmp_path / "nowhere")]) == 2
    assert "nowhere: no such folder" in _one_error_line(capsys)
    (tmp_path / "empty").mkdir()
    assert main(["skew", str(logs), "--registry", str(tmp_path / "empty")]) == 2
    assert "empty: holds no model" in _one_error_line(capsys)


def _request_file(logs):
    return sorted((logs / "requests").glob("requests-*.parquet"))[0]


def test_skew_names_file_row_and_request_of_a_hand_edited_row(logs, registry, capsys):
    path = _request_file(logs)
    table = pd.read_parquet(path)
    table.at[1, "scores"] = np.asarray(table.at[1, "scores"])[:2]
    table.to_parquet(path)
    assert main(["skew", str(logs), "--registry", str(registry.root)]) == 2
    line = _one_error_line(capsys)
    request = table.at[1, "request_id"]
    assert f"{path}: row 1 (request {request}): 'scores' holds 2 value(s) for 5 item(s)" \
        in line

    table = pd.read_parquet(path)
    table["scores"] = table["items"].map(lambda items: [0.5] * len(items))
    table["k"] = table["k"].astype("int32")
    table.at[0, "k"] = 0
    table.to_parquet(path)
    assert main(["skew", str(logs), "--registry", str(registry.root)]) == 2
    line = _one_error_line(capsys)
    assert f"{path}: row 0 (request {table.at[0, 'request_id']}): 'k' is 0" in line


def _served_with(als, user: str, k: int, exclude_seen: bool) -> tuple[list[str], list[float]]:
    items = als.recommend(np.array([user], dtype=als.users_.external_ids.dtype), k,
                          exclude_seen=exclude_seen)[0][0]
    items = [str(i) for i in items.tolist()]
    scores = als.score(np.array([user] * k, dtype=als.users_.external_ids.dtype),
                       np.array(items, dtype=als.items_.external_ids.dtype))
    return items, [float(s) for s in scores]


def test_skew_recomputes_a_request_with_the_logged_exclude_seen(logs, registry, als, train):
    from recstack.serving.skew import check_skew

    path = _request_file(logs)
    table = pd.read_parquet(path)
    user = str(table.at[0, "user_id"])
    with_seen, with_seen_scores = _served_with(als, user, 5, exclude_seen=False)
    without_seen, _ = _served_with(als, user, 5, exclude_seen=True)
    assert with_seen != without_seen  # the test needs a user whose top 5 includes a seen item
    table.at[0, "items"] = with_seen
    table.at[0, "scores"] = with_seen_scores
    table["exclude_seen"] = [False] + [True] * (len(table) - 1)
    table.to_parquet(path)
    report = check_skew(logs, registry)
    assert (report.checked, report.mismatched) == (4, 0), report.mismatches
    # the same list claimed as served with seen items excluded is a mismatch
    table["exclude_seen"] = True
    table.to_parquet(path)
    report = check_skew(logs, registry)
    assert report.mismatched == 1
    assert report.mismatches.iloc[0]["what"] == "items"


def test_skew_treats_a_missing_exclude_seen_as_true(logs, registry):
    from recstack.serving.skew import check_skew

    path = _request_file(logs)
    table = pd.read_parquet(path)
    table["exclude_seen"] = pd.Series([None] * len(table), dtype="boolean")
    table.to_parquet(path)
    report = check_skew(logs, registry)
    assert (report.checked, report.mismatched) == (4, 0)


def test_online_names_the_file_and_row_of_an_event_without_a_variant(logs, capsys):
    path = sorted((logs / "events").glob("events-*.parquet"))[0]
    table = pd.read_parquet(path)
    table.at[2, "variant"] = None
    table.to_parquet(path)
    assert main(["online", str(logs)]) == 2
    assert f"{path}: row 2: 'variant' has no value" in _one_error_line(capsys)


def test_online_names_the_line_of_a_csv_event_log(tmp_path, capsys):
    path = tmp_path / "events.csv"
    path.write_text("variant,session_id,event,timestamp,revenue,cost\n"
                    "a,s1,impression,1,,\n"
                    "a,s1,view,2,,\n")
    assert main(["online", str(path)]) == 2
    assert f"{path}: line 3: event 'view' is not one of" in _one_error_line(capsys)


@pytest.mark.parametrize("alpha", ["0", "1", "1.5", "nan", "-0.1"])
def test_online_alpha_must_lie_strictly_between_0_and_1(logs, capsys, alpha):
    with pytest.raises(SystemExit) as refused:
        main(["online", str(logs), "--alpha", alpha])
    assert refused.value.code == 2
    assert "--alpha: must be between 0 and 1 (exclusive)" in capsys.readouterr().err


@pytest.mark.parametrize("port", ["0", "65536", "99999", "-1"])
def test_serve_port_must_be_a_tcp_port(registry, capsys, port):
    with pytest.raises(SystemExit) as refused:
        main(["serve", "--registry", str(registry.root), "--port", port])
    assert refused.value.code == 2
    assert "--port: must be a TCP port, 1..65535" in capsys.readouterr().err


def test_skew_passes_a_served_exclude_seen_false_request(tmp_path, registry, als):
    from recstack.serving.skew import check_skew

    logs = tmp_path / "served"
    user = str(als.users_.external_ids[0])
    with client(settings(registry, log_dir=str(logs))) as http:
        answer = http.get(f"/users/{user}/recommendations",
                          params={"k": 5, "exclude_seen": "false"})
    assert answer.status_code == 200
    table = pd.read_parquet(_request_file(logs))
    if "exclude_seen" not in table.columns:
        pytest.skip("this service does not log exclude_seen yet")
    assert not table.at[0, "exclude_seen"]
    report = check_skew(logs, registry)
    assert (report.checked, report.mismatched) == (1, 0), report.mismatches


@pytest.mark.parametrize("command", ["skew", "online"])
def test_a_log_dir_that_is_missing_or_a_file_is_named_as_such(tmp_path, registry, capsys,
                                                              command):
    # skew said 'no requests-*.parquet files; is this the log_dir?' for a path that is not
    # there at all, and for a plain file
    a_file = tmp_path / "a-file.txt"
    a_file.write_text("x")
    extra = ["--registry", str(registry.root)] if command == "skew" else []
    assert main([command, str(tmp_path / "nowhere"), *extra]) == 2
    assert "nowhere: no such" in _one_error_line(capsys)
    assert main(["skew", str(a_file), "--registry", str(registry.root)]) == 2
    assert "a-file.txt: is a file; give the service's log_dir" in _one_error_line(capsys)
