"""Three-hundred-fifteenth probe: the embedding store's status per A/B variant, and the
default variant salt.

- ``store_error`` and the mismatch flag were one field for the whole service: with variant
  A's version matching the store and variant B's not (the store filled for A's model),
  ``/health`` flipped between ok and degraded with whichever variant served last, called
  the reachable store "unavailable", and the mismatch was logged again at every request of
  B. Now each variant's version keeps its own fit (judged when it is installed and at its
  requests), reachability is one fact for the service, ``/health`` lists the store per
  variant, the warning is logged once per variant and version, and a reload of one variant
  starts only its own status afresh.
- The default ``variant_salt`` was the constant ``"recstack"``: every experiment without a
  salt assigned users by the same hash, the same users in the first arm of each. The
  default is now derived from the experiment's own variants (names, models, shares).
"""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.errors import ConfigError  # noqa: E402
from recstack.serving.embedding_store import SQLiteEmbeddingStore  # noqa: E402
from recstack.serving.registry import ModelRegistry  # noqa: E402
from recstack.serving.service import Service  # noqa: E402
from recstack.serving.settings import ServiceSettings, settings_from_env  # noqa: E402
from recstack.serving.telemetry import ServiceMetrics  # noqa: E402
from recstack.serving.variants import VariantAssigner  # noqa: E402
from tests.serving.service_helpers import ROOT, client, settings  # noqa: E402

TWO = [{"name": "A", "model": "a", "share": 0.5}, {"name": "B", "model": "b", "share": 0.5}]


@pytest.fixture(scope="module")
def other_als(train):
    from recstack.models.als import ALS

    # the same data and dimension, another seed: vectors in another space
    return ALS(factors=8, iterations=4, regularization=5.0, alpha=2.0, seed=1).fit(train)


def _two_variants(tmp_path, als, other_als, train):
    """A registry with ``a`` (the store's model) and ``b`` (another), and a store filled
    for ``a``."""
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("a", als, data=train)
    registry.publish("b", other_als, data=train)
    path = tmp_path / "vectors.sqlite"
    with SQLiteEmbeddingStore(path) as store:
        store.put_model(als)
    return registry, path


def _b_problem(reference: str, item) -> str:
    return (f"the store's vector of item {item!r} is not {reference}'s: the store was filled "
            "for another model (an earlier version, or another catalog), whose user vectors "
            f"mean nothing to {reference}'s items; the model's own vectors are served until "
            "the store holds this version's vectors (put_model)")


def test_health_says_the_same_of_each_variant_whichever_served_last(
        tmp_path, als, other_als, train, caplog):
    registry, path = _two_variants(tmp_path, als, other_als, train)
    with caplog.at_level(logging.WARNING, logger="recstack.serving.service"), \
            client(settings(registry, variants=TWO, variant_salt="s", store=str(path))) as http:
        service = http.app.state.service
        users = [str(u) for u in als.users_.external_ids[:40]]
        arm = {u: service.variant_for(u).name for u in users}
        a_users = [u for u in users if arm[u] == "A"][:6]
        b_users = [u for u in users if arm[u] == "B"][:6]
        assert len(a_users) == len(b_users) == 6
        before = http.get("/health").json()  # judged at the start, before any request
        answers = []
        for a_user, b_user in zip(a_users, b_users, strict=True):
            for user, expected in ((a_user, "store"), (b_user, "model"), (b_user, "model"),
                                   (a_user, "store")):
                assert http.get(f"/users/{user}/recommendations?k=3").status_code == 200
                assert service.recommend_user(user, 3).vector_source == expected
                answers.append(http.get("/health").json())
    item = other_als.items_.external_ids.tolist()[0]
    for health in answers:
        assert health == before
    assert before["status"] == "degraded"
    # reachable: not "unavailable" (it said so after each request of B)
    assert before["store"] == "mismatched"
    assert before["store_error"] == "variant 'B': " + _b_problem("b@1", item)
    states = [(v["name"], v["store"], v["store_error"]) for v in before["variants"]]
    assert states == [("A", "ok", None), ("B", "mismatched", _b_problem("b@1", item))]
    # logged once for B's version, not at each of its 24 requests (12 by HTTP)
    warned = [r.getMessage() for r in caplog.records if "embedding store" in r.getMessage()]
    assert warned == ["embedding store (variant 'B'): " + _b_problem("b@1", item)]
    assert service.metrics.store_fallback._value.get() == 24


def test_the_mismatch_is_logged_once_per_variant_and_version(tmp_path, als, other_als, train,
                                                            caplog):
    registry, path = _two_variants(tmp_path, als, other_als, train)
    service = Service(settings(registry, variants=TWO, variant_salt="s", store=str(path)),
                      ServiceMetrics())
    with caplog.at_level(logging.WARNING, logger="recstack.serving.service"):
        service.start()
        try:
            users = [str(u) for u in als.users_.external_ids[:30]]
            for _ in range(3):
                for user in users:
                    service.recommend_user(user, 3)
            item = other_als.items_.external_ids.tolist()[0]
            assert [r.getMessage() for r in caplog.records] == [
                "embedding store (variant 'B'): " + _b_problem("b@1", item)]

            # a reload of A to a version of another model's vectors: A's own status, and
            # its own warning; B's stays as it was
            caplog.clear()
            registry.publish("a", other_als, data=train)
            assert service.reload("A") == ["a@2", "b@1"]
            for user in users:
                service.recommend_user(user, 3)
            assert [r.getMessage() for r in caplog.records] == [
                "embedding store (variant 'A'): " + _b_problem("a@2", item)]
            health = service.health()
            assert [(v["name"], v["store"]) for v in health["variants"]] == [
                ("A", "mismatched"), ("B", "mismatched")]
            assert health["store_error"] == ("variant 'A': " + _b_problem("a@2", item)
                                             + "; variant 'B': " + _b_problem("b@1", item))

            # B reloaded to a version the store was filled for: B ok, A untouched
            registry.publish("b", als, data=train)
            assert service.reload("B") == ["a@2", "b@2"]
            health = service.health()
            assert [(v["name"], v["store"], v["store_error"]) for v in health["variants"]] \
                == [("A", "mismatched", _b_problem("a@2", item)), ("B", "ok", None)]
            assert health["status"] == "degraded" and health["store"] == "mismatched"
            assert health["store_error"] == "variant 'A': " + _b_problem("a@2", item)
        finally:
            service.close()


def test_a_user_the_store_lacks_does_not_clear_the_id_kind_finding(tmp_path, als, train):
    """The store holds user "3" as text for a model of integer ids: the next user the store
    holds in neither spelling said "ok" again, until user 3 came back. Now a user found as
    the model spells it clears the finding; one found in neither says nothing of it."""
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("als", als, data=train)
    path = tmp_path / "vectors.sqlite"
    dim = als.item_embeddings().shape[1]
    with SQLiteEmbeddingStore(path) as store:
        store.put("user", ["3"], np.ones((1, dim), np.float32))
    service = Service(settings(registry, store=str(path)), ServiceMetrics())
    service.start()
    try:
        assert service.health()["status"] == "ok"  # nothing tells yet
        assert service.recommend_user("3", 3).vector_source == "model"
        first = service.health()
        assert first["status"] == "degraded" and first["store"] == "mismatched"
        assert first["store_error"].startswith("the store holds user '3' as text, but "
                                               "als@1's user ids are integers")
        assert service.recommend_user("7", 3).vector_source == "model"
        assert service.health() == first
        with SQLiteEmbeddingStore(path) as store:
            store.put("user", [5], np.ones((1, dim), np.float32))
        assert service.recommend_user("5", 3).vector_source == "store"
        health = service.health()
        assert (health["status"], health["store"], health["store_error"]) == ("ok", "ok", None)
    finally:
        service.close()


# ------------------------------------------------------------------------- the salt
def _ids(n: int = 10_000) -> list[str]:
    return [f"user-{i}" for i in range(n)]


def _first_arm(values: dict, registry) -> np.ndarray:
    """Whether each of 10,000 users is in the first arm, as the service assigns them."""
    setting = ServiceSettings.create(registry=str(registry), **values)
    assigner = Service(setting, ServiceMetrics()).assigner  # nothing loaded: the arms alone
    first = setting.variants[0].name
    return np.array([assigner.assign(u) == first for u in _ids()])


def _variants(*arms: tuple[str, str, float]) -> list[dict]:
    return [{"name": n, "model": m, "share": s} for n, m, s in arms]


@pytest.mark.parametrize("second", [
    _variants(("control", "ease@1", 0.5), ("test", "ease@2", 0.5)),  # other models
    _variants(("old", "als@3", 0.5), ("new", "als@4", 0.5)),  # other names
    _variants(("control", "als@3", 0.4), ("test", "als@4", 0.6)),  # other shares
])
def test_two_experiments_without_a_salt_assign_users_independently(second, tmp_path):
    one = _first_arm({"variants": _variants(("control", "als@3", 0.5),
                                            ("test", "als@4", 0.5))}, tmp_path / "models")
    two = _first_arm({"variants": second}, tmp_path / "models")
    # independent arms agree on a user with probability p1 p2 + (1-p1)(1-p2); with one
    # salt for both they agreed on every user (0.5/0.5) or 90% of them (0.4/0.6). The
    # standard deviation of the rate over 10,000 users is at most 0.005: 6 of them
    p1, p2 = 0.5, second[0]["share"]
    chance = p1 * p2 + (1 - p1) * (1 - p2)
    assert abs(np.mean(one == two) - chance) < 0.03
    # each arm still receives its share (binomial, 6 standard deviations)
    assert abs(one.mean() - 0.5) < 0.03 and abs(two.mean() - p2) < 0.03


def test_the_derived_salt_is_the_hash_of_the_variants_and_the_same_in_every_process():
    values = {"variants": _variants(("control", "als@3", 0.5), ("test", "als@4", 0.5))}
    setting = ServiceSettings.create(registry="models", **values)
    text = '[["control", "als@3", "0.5"], ["test", "als@4", "0.5"]]'
    assert setting.assignment_salt == "auto-" + hashlib.sha256(text.encode()).hexdigest()[:20]
    assert setting.variant_salt is None
    # the worker processes' settings (JSON in the environment) give the same salt
    import os

    os.environ["RECSTACK_SERVE_SETTINGS"] = setting.to_json()
    try:
        assert settings_from_env().assignment_salt == setting.assignment_salt
    finally:
        del os.environ["RECSTACK_SERVE_SETTINGS"]
    ids = _ids(300)
    here = [VariantAssigner(["control", "test"], [0.5, 0.5],
                            setting.assignment_salt).assign(u) for u in ids]
    script = ("import json, sys\n"
              "from recstack.serving.settings import ServiceSettings\n"
              "from recstack.serving.variants import VariantAssigner\n"
              "s = ServiceSettings.create(registry='models', **json.loads(sys.argv[1]))\n"
              "a = VariantAssigner(['control', 'test'], [0.5, 0.5], s.assignment_salt)\n"
              "print(json.dumps([a.assign(u) for u in json.loads(sys.argv[2])]))\n")
    there = subprocess.run([sys.executable, "-c", script, json.dumps(values), json.dumps(ids)],
                           cwd=ROOT, capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": "123"})
    assert json.loads(there.stdout) == here
    assert 100 < here.count("control") < 200


def test_an_explicit_salt_is_honoured_and_recstack_keeps_the_old_assignment(tmp_path, als,
                                                                             train):
    values = {"variants": _variants(("control", "a", 0.5), ("test", "b", 0.5)),
              "variant_salt": "recstack"}
    setting = ServiceSettings.create(registry=str(tmp_path / "registry"), **values)
    assert setting.assignment_salt == "recstack"
    service = Service(setting, ServiceMetrics())  # nothing loaded: the assigner alone
    for user in _ids(200):
        # the old default's rule written out: sha256("recstack:" + id), first 8 bytes
        digest = hashlib.sha256(f"recstack:{user}".encode()).digest()
        expected = "control" if int.from_bytes(digest[:8], "big") / 2**64 < 0.5 else "test"
        assert service.variant_for(user).name == expected
    derived = Service(ServiceSettings.create(registry=str(tmp_path / "registry"),
                                             variants=values["variants"]), ServiceMetrics())
    assert derived.assigner.salt.startswith("auto-")


@pytest.mark.parametrize("salt, message", [
    (" ", "field 'variant_salt': is only whitespace; give a salt (or leave the setting out "
          "for one derived from the variants)"),
    ("exp-7 ", "field 'variant_salt': 'exp-7 ' begins or ends with whitespace, which would "
               "be hashed with every user id and assign them apart from 'exp-7'; remove it"),
])
def test_a_salt_with_surrounding_whitespace_is_refused(salt, message):
    with pytest.raises(ConfigError) as raised:
        ServiceSettings.create(registry="models", variants=TWO, variant_salt=salt)
    assert str(raised.value) == f"serve settings: {message}"
