"""A request's context reaches a served two-stage model (issue 11 point 2, issue 13):
``POST /users/{id}/recommendations`` with ``context`` and ``timestamp`` is ranked with
the context features the model was trained with, as offline
``TwoStage.recommend/score(..., context=)``; bad contexts are 422s; the skew check
recomputes logged requests in their logged context.

The log plants a device effect: on device ``a`` users mostly click items of genre X
(items 0-29), on ``b`` genre Y (30-59), and only the context says which device a row came
from. Genre shares of the served lists are counted here from the item ids."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")
pytest.importorskip("lightgbm", reason="the two-stage ranker here is LightGBM's")

import httpx  # noqa: E402

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.models import create_model  # noqa: E402
from tests.serving.service_helpers import (  # noqa: E402
    client,
    publish,
    settings,
    start_service,
    stop_service,
)

K = 5
N_GENRE_X = 30
NEW_VISITOR_ITEMS = ["1", "31"]  # one item of each genre


def device_log(seed: int = 0) -> Interactions:
    """300 users x 20 rows over 60 items: on device ``a`` a row is a genre-X item 90% of
    the time, on ``b`` a genre-Y item; ``screen`` is noise (a numeric context column)."""
    rng = np.random.default_rng(seed)
    n_users, per_user = 300, 20
    users = np.repeat(np.arange(n_users), per_user)
    device = rng.choice(["a", "b"], len(users))
    wants_x = (device == "a") == (rng.random(len(users)) < 0.9)
    within = np.minimum(rng.geometric(0.08, len(users)) - 1, N_GENRE_X - 1)
    items = np.where(wants_x, within, N_GENRE_X + within)
    times = 1_700_000_000 + np.cumsum(rng.integers(1, 1_000, len(users)))
    table = pd.DataFrame({"item_id": np.arange(60),
                          "genre": np.where(np.arange(60) < N_GENRE_X, "x", "y")})
    context = pd.DataFrame({"device": device, "screen": rng.uniform(4, 7, len(users))})
    return Interactions.from_arrays(users, items, None, times, duplicates="last",
                                    item_table=table, context=context)


COMMON = {"generators": [{"type": "most_popular"}, {"type": "item_knn", "neighbors": 20}],
          "ranker": {"type": "lightgbm", "loss": "binary", "n_estimators": 60},
          "n_candidates": 30, "window": "user", "user_labels": 5}


@pytest.fixture(scope="module")
def data():
    return device_log()


@pytest.fixture(scope="module")
def model(data):
    return create_model("two_stage", features={"context_columns": ["device", "screen"]},
                        **COMMON).fit(data)


@pytest.fixture(scope="module")
def timed(data):
    return create_model("two_stage", features={"context_columns": ["device"],
                                               "context_time": True}, **COMMON).fit(data)


def _genre_x_share(items: list[str]) -> float:
    return float(np.mean([int(i) < N_GENRE_X for i in items]))


def _ids(body: dict) -> list[str]:
    return [it["item_id"] for it in body["items"]]


def _scores(body: dict) -> np.ndarray:
    return np.array([it["score"] for it in body["items"]], np.float64)


# --------------------------------------------------------------------------- real uvicorn
BAD = {
    "unknown key": ({"context": {"device": "a", "os": "linux"}}, ["'os'", "device", "screen"]),
    "33 keys": ({"context": {f"c{i}": "v" for i in range(33)}}, ["at most 32"]),
    "long key": ({"context": {"d" * 65: "a"}}, ["at most 64"]),
    "long value": ({"context": {"device": "a" * 257}}, ["at most 256"]),
    "null value": ({"context": {"device": None}}, ["device"]),
    "list value": ({"context": {"device": ["a"]}}, ["device"]),
    "integer beyond a float": ({"context": {"screen": 10**400}}, ["screen"]),
    "text for a number": ({"context": {"screen": "big"}}, ["'screen'", "number"]),
    # finite in JSON, infinite as the ranker's float32 feature (a 422 naming the
    # feature frame's 'context_screen is inf' before)
    "number beyond float32": ({"context": {"screen": 1e308}},
                              ["'screen': 1e+308 is beyond the range", "float32", "3.4e+38"]),
    "negative number beyond float32": ({"context": {"screen": -1e39}},
                                       ["'screen': -1e+39 is beyond the range"]),
    "timestamp, no time features": ({"timestamp": 1_700_000_000}, ["timestamp",
                                                                   "context_time"]),
    "time as a context key": ({"context": {"timestamp": 1}}, ["'timestamp'"]),
    "negative timestamp": ({"timestamp": -1}, ["timestamp"]),
}


@pytest.fixture(scope="module")
def served(tmp_path_factory, model, data):
    """One service over ``model``: every request these tests read, answered, then the
    service stopped (so its request log is written)."""
    folder = tmp_path_factory.mktemp("context")
    registry = publish(folder / "registry", model, data, name="ctx")
    logs = folder / "logs"
    users = [str(u) for u in data.users.external_ids[:6]]
    process, url = start_service(folder, registry, "--log-dir", str(logs))
    answers: dict = {"users": users, "registry": registry, "logs": logs}
    try:
        with httpx.Client(base_url=url, timeout=30) as http:
            for device in ("a", "b"):
                answers[device] = [http.post(f"/users/{u}/recommendations",
                                             json={"k": K, "context": {"device": device}})
                                   for u in users]
            answers["both"] = http.post(f"/users/{users[0]}/recommendations",
                                        json={"k": K, "context": {"device": "a",
                                                                  "screen": 6.5}})
            answers["get"] = [http.get(f"/users/{u}/recommendations", params={"k": K})
                              for u in users]
            answers["post"] = [http.post(f"/users/{u}/recommendations", json={"k": K})
                               for u in users]
            answers["bad"] = {name: http.post(f"/users/{users[0]}/recommendations",
                                              json=body) for name, (body, _) in BAD.items()}
            answers["infinite"] = http.post(
                f"/users/{users[0]}/recommendations",
                content=b'{"context": {"screen": 1e999}}',
                headers={"content-type": "application/json"})
            for device in ("a", "b"):
                answers[f"new_{device}"] = http.post(
                    "/recommendations/new-user",
                    json={"items": NEW_VISITOR_ITEMS, "k": K, "context": {"device": device}})
            answers["new_bad"] = http.post("/recommendations/new-user",
                                           json={"items": ["1"], "context": {"os": "x"}})
            answers["get_device"] = http.get(f"/users/{users[0]}/recommendations",
                                             params={"k": K, "device": "a"})
            answers["metrics"] = http.get("/metrics").text
    finally:
        stop_service(process)
    return answers


def test_the_context_decides_the_served_list_as_it_does_offline(served, model):
    users = served["users"]
    for device in ("a", "b"):
        assert all(r.status_code == 200 for r in served[device])
    bodies = {d: [r.json() for r in served[d]] for d in ("a", "b")}
    # the planted effect, counted from the item ids: device a -> genre X, b -> genre Y
    share = {d: _genre_x_share([i for b in bodies[d] for i in _ids(b)]) for d in ("a", "b")}
    assert share["a"] > 0.75 and share["b"] < 0.25, share
    for position, user in enumerate(users):
        a, b = bodies["a"][position], bodies["b"][position]
        assert _ids(a) != _ids(b)
        assert a["context"] == {"device": "a"} and b["context"] == {"device": "b"}
        for device, body in (("a", a), ("b", b)):
            offline, _ = model.recommend([int(user)], k=K, context={"device": device})
            assert _ids(body) == [str(i) for i in offline[0]]
            # the skew check of issue 11: served scores are the offline scores, to 1e-6
            np.testing.assert_allclose(
                _scores(body), model.score([int(user)] * K, [int(i) for i in _ids(body)],
                                           context={"device": device}), rtol=0, atol=1e-6)
    both = served["both"].json()
    assert both["context"] == {"device": "a", "screen": 6.5}
    np.testing.assert_allclose(
        _scores(both), model.score([int(users[0])] * K, [int(i) for i in _ids(both)],
                                   context={"device": "a", "screen": 6.5}), rtol=0, atol=1e-6)


def test_without_a_context_the_list_is_offline_recommend_without_one(served, model):
    for user, got, posted in zip(served["users"], served["get"], served["post"], strict=True):
        offline, scores = model.recommend([int(user)], k=K)
        for body in (got.json(), posted.json()):
            assert body["context"] is None
            assert _ids(body) == [str(i) for i in offline[0]]
            np.testing.assert_allclose(_scores(body), scores[0], rtol=0, atol=1e-6)


def test_each_context_request_is_computed_and_timed_in_its_stages(served):
    # 6 + 6 + 1 context requests and 6 posted and 6 fast-path ones without: 25 rankings,
    # each step timed on its own (a cache answering one context for another would not)
    counts = {}
    for line in served["metrics"].splitlines():
        if line.startswith("recstack_stage_seconds_count{"):
            labels = dict(part.split("=") for part in
                          line[line.index("{") + 1:line.index("}")].split(","))
            counts[(labels["stage"].strip('"'), labels["name"].strip('"'))] = float(
                line.split()[-1])
    assert counts[("ranking", "features")] == 25
    assert counts[("ranking", "lightgbm")] == 25
    assert counts[("retrieval", "item_knn:model")] == 25


@pytest.mark.parametrize("name", list(BAD))
def test_a_bad_context_is_a_422_that_says_what(served, name):
    answer = served["bad"][name]
    assert answer.status_code == 422, answer.text
    detail = json.dumps(answer.json()["detail"])
    for words in BAD[name][1]:
        assert words in detail, detail


def test_an_infinite_number_a_new_visitors_unknown_key_and_a_query_context_are_422s(
        served):
    assert served["infinite"].status_code == 422
    # a GET carries no context: a context column as a query parameter is not ignored
    misplaced = served["get_device"]
    assert misplaced.status_code == 422
    assert "'device'" in misplaced.json()["detail"] and "POST" in misplaced.json()["detail"]
    assert "'os'" in served["new_bad"].json()["detail"]


def test_a_new_visitor_is_ranked_in_the_context_as_offline(served, model):
    """The new visitor's items are neutral (one of each genre); the device decides."""
    history = np.zeros((1, len(model.items_)), np.float32)
    history[0, model.items_.to_index(np.array([int(i) for i in NEW_VISITOR_ITEMS]))] = 1.0
    shares = {}
    for device in ("a", "b"):
        answer = served[f"new_{device}"]
        body = answer.json()
        assert answer.status_code == 200 and body["fallback"] is None
        assert body["context"] == {"device": device}
        scores = model.score_histories(history, context={"device": device})[0]
        scores[history[0] > 0] = -np.inf
        expected = np.lexsort((np.arange(len(scores)), -scores))[:K]
        assert _ids(body) == [str(i) for i in model.items_.to_external(expected)]
        np.testing.assert_allclose(_scores(body), scores[expected], rtol=0, atol=1e-6)
        shares[device] = _genre_x_share(_ids(body))
    assert shares["a"] > shares["b"], shares


def test_the_skew_check_recomputes_each_request_in_its_logged_context(served, model):
    from recstack.serving.skew import check_skew

    logs, registry = served["logs"], served["registry"]
    report = check_skew(logs, registry, tolerance=1e-6)
    # 15 requests in a context (2 of them new visitors), 12 without
    assert (report.checked, report.mismatched) == (27, 0), report.mismatches
    files = sorted((logs / "requests").glob("*.parquet"))
    table = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    logged = table["context"].dropna().map(json.loads).tolist()
    assert logged.count({"device": "a"}) == 7 and logged.count({"device": "b"}) == 7
    # a planted change: one request logged as served on device b although it was a's
    row = int(np.flatnonzero(table["context"].to_numpy() == '{"device": "a"}')[0])
    table.at[row, "context"] = '{"device": "b"}'
    for f in files:
        f.unlink()
    table.to_parquet(files[0])
    tampered = check_skew(logs, registry, tolerance=1e-6)
    assert tampered.mismatched == 1
    assert set(tampered.mismatches["request_id"]) == {table.at[row, "request_id"]}
    assert "context_device" in " ".join(tampered.mismatches["detail"])


# --------------------------------------------------------------------------- in process
def test_time_features_take_the_requests_timestamp_or_the_servers_clock(tmp_path, timed,
                                                                        data):
    registry = publish(tmp_path / "registry", timed, data, name="timed")
    user = int(data.users.external_ids[3])
    # a Tuesday, 13:20 UTC: hour code 1 + 13, weekday code 1 + 1 (Monday = 0)
    when = datetime(2026, 12, 1, 13, 20, tzinfo=UTC)
    assert when.weekday() == 1
    with client(settings(registry, log_dir=str(tmp_path / "logs"))) as http:
        given = http.post(f"/users/{user}/recommendations",
                          json={"k": K, "context": {"device": "b"},
                                "timestamp": when.timestamp()}).json()
        before = time.time()
        clock = http.post(f"/users/{user}/recommendations", json={"k": K}).json()
        after = time.time()
        plain = http.get(f"/users/{user}/recommendations", params={"k": K}).json()
    assert given["context"] == {"device": "b", "timestamp": when.timestamp()}
    np.testing.assert_allclose(
        _scores(given), timed.score([user] * K, [int(i) for i in _ids(given)],
                                    context=given["context"]), rtol=0, atol=1e-6)
    # no timestamp: the server's clock at the request, returned and logged
    for body in (clock, plain):
        assert set(body["context"]) == {"timestamp"}
        assert before - 1 <= body["context"]["timestamp"] <= after + 1
        offline, scores = timed.recommend([user], k=K, context=body["context"])
        assert _ids(body) == [str(i) for i in offline[0]]
        np.testing.assert_allclose(_scores(body), scores[0], rtol=0, atol=1e-6)
    files = sorted((tmp_path / "logs" / "requests").glob("*.parquet"))
    log = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    features = json.loads(log.iloc[0]["features"])
    hour = features["columns"].index("context_hour")
    weekday = features["columns"].index("context_weekday")
    assert {row[hour] for row in features["values"]} == {14}
    assert {row[weekday] for row in features["values"]} == {2}
    assert json.loads(log.iloc[0]["context"]) == given["context"]


def test_a_model_without_context_features_refuses_a_context(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    user = str(train.users.external_ids[0])
    with client(settings(registry)) as http:
        refused = http.post(f"/users/{user}/recommendations",
                            json={"context": {"device": "a"}})
        timed = http.post(f"/users/{user}/recommendations", json={"timestamp": 1_764_595_200.0})
        new = http.post("/recommendations/new-user",
                        json={"items": [str(train.items.external_ids[0])],
                              "context": {"device": "a"}})
        plain = http.post(f"/users/{user}/recommendations", json={"k": 3})
        get = http.get(f"/users/{user}/recommendations", params={"k": 3})
    for answer in (refused, new):
        assert answer.status_code == 422
        assert "'device'" in answer.json()["detail"] and "uses no context" in \
            answer.json()["detail"]
    assert timed.status_code == 422 and "no time features" in timed.json()["detail"]
    assert plain.status_code == 200 and _ids(plain.json()) == _ids(get.json())
    assert plain.json()["context"] is None


def test_with_variants_a_key_one_arms_model_uses_is_accepted_by_all(tmp_path, model,
                                                                       data):
    from recstack.serving.registry import ModelRegistry
    from recstack.serving.variants import VariantAssigner

    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("ctx", model, data=data)
    popular = create_model("most_popular").fit(data)
    registry.publish("pop", popular, data=data)
    variants = [{"name": "ctx", "model": "ctx", "share": 0.5},
                {"name": "pop", "model": "pop", "share": 0.5}]
    assigner = VariantAssigner(["ctx", "pop"], [0.5, 0.5], "salt")
    users = [str(u) for u in data.users.external_ids[:40]]
    arms = {u: assigner.assign(u) for u in users}
    on_pop = next(u for u in users if arms[u] == "pop")
    on_ctx = next(u for u in users if arms[u] == "ctx")
    with client(settings(registry, variants=variants, variant_salt="salt")) as http:
        pop = http.post(f"/users/{on_pop}/recommendations",
                        json={"k": K, "context": {"device": "a"}})
        ctx = http.post(f"/users/{on_ctx}/recommendations",
                        json={"k": K, "context": {"device": "a"}})
        unknown = http.post(f"/users/{on_pop}/recommendations",
                            json={"context": {"os": "x"}})
    assert pop.status_code == 200 and pop.json()["context"] is None
    assert pop.json()["variant"] == "pop"
    assert _ids(pop.json()) == [str(i) for i in popular.recommend([int(on_pop)], k=K)[0][0]]
    assert ctx.json()["context"] == {"device": "a"} and ctx.json()["variant"] == "ctx"
    assert unknown.status_code == 422 and "['device', 'screen']" in unknown.json()["detail"]


# --------------------------------------------------------------------------- the CLI
def _cli(capsys, *argv) -> tuple[int, str, str]:
    from recstack.cli import main

    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_recommend_on_the_command_line_takes_the_context(tmp_path, model, timed, data,
                                                         capsys):
    """``recstack recommend --context`` ranks as ``recommend(..., context=)``: device
    ``a`` fills the lists with genre X, ``b`` with genre Y; ``--timestamp`` reaches the
    time features; numbers are read as numbers."""
    from recstack.serving.registry import ModelRegistry

    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("ctx", model, data=data)
    registry.publish("timed", timed, data=data)
    users = [str(u) for u in data.users.external_ids[:30]]
    shares = {}
    for device in ("a", "b"):
        code, out, err = _cli(capsys, "recommend", "ctx", "--registry", registry.root,
                              "--users", *users, "--k", K, "--context", f"device={device}",
                              "screen=5.5")
        assert code == 0, err
        table = pd.read_csv(pd.io.common.StringIO(out))
        expected, _ = model.recommend([int(u) for u in users], K,
                                      context={"device": device, "screen": 5.5})
        assert table["item_id"].tolist() == expected.ravel().tolist()
        shares[device] = _genre_x_share([str(i) for i in table["item_id"]])
    assert shares["a"] > 0.8 and shares["b"] < 0.2
    moment = 1_700_000_000.0
    code, out, err = _cli(capsys, "recommend", "timed", "--registry", registry.root,
                          "--users", *users[:5], "--k", K, "--context", "device=a",
                          "--timestamp", moment)
    assert code == 0, err
    expected, _ = timed.recommend([int(u) for u in users[:5]], K,
                                  context={"device": "a", "timestamp": moment})
    table = pd.read_csv(pd.io.common.StringIO(out))
    assert table["item_id"].tolist() == expected.ravel().tolist()


CLI_MISTAKES = {
    "unknown column": (["--context", "os=linux"], ["'os'", "device, screen"]),
    "no equals sign": (["--context", "device"], ["KEY=VALUE"]),
    "empty key": (["--context", "=a"], ["KEY=VALUE"]),
    "a column twice": (["--context", "device=a", "device=b"], ["'device'", "twice"]),
    "text for a number": (["--context", "screen=big"], ["screen", "finite number"]),
    "infinite number": (["--context", "screen=inf"], ["screen", "finite number"]),
    # finite as text, infinite as the ranker's float32 feature (was a traceback or the
    # feature frame's 'context_screen is inf')
    "number beyond float32": (["--context", "screen=1e308"],
                              [
                                  "argument --context: screen='1e308'", "beyond the range",
                                  "float32"]),
    "timestamp, no time features": (["--timestamp", "5"], ["--timestamp", "context_time"]),
}


@pytest.mark.parametrize("case", CLI_MISTAKES)
def test_a_bad_command_line_context_is_one_line_and_exit_2(tmp_path, model, data, capsys,
                                                           case):
    from recstack.serving.registry import ModelRegistry

    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("ctx", model, data=data)
    extra, words = CLI_MISTAKES[case]
    code, out, err = _cli(capsys, "recommend", "ctx", "--registry", registry.root,
                          "--users", str(data.users.external_ids[0]), *extra)
    assert code == 2 and out == ""
    assert all(word in err for word in words), err
    assert "Traceback" not in err and err.count("\n") == 1


def test_a_negative_timestamp_is_an_argument_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        _cli(capsys, "recommend", "ctx", "--registry", tmp_path, "--users", "1",
             "--timestamp", "-5")
    assert stopped.value.code == 2
    assert "argument --timestamp: must be a finite number >= 0" in capsys.readouterr().err


def test_a_model_without_context_features_refuses_a_command_line_context(tmp_path, als,
                                                                          train, capsys):
    registry = publish(tmp_path / "registry", als, train)
    code, _, err = _cli(capsys, "recommend", "als", "--registry", registry.root, "--users",
                        str(train.users.external_ids[0]), "--context", "device=a")
    assert code == 2 and "uses no request context" in err and err.count("\n") == 1
