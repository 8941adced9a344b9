"""Two-hundred-eighth probe of the model registry: what a publish records, and rollbacks to
versions whose files are gone.

``publish(evaluation=...)``: a key that is not text was written as its text (``{1: 0.3}``
read back as ``{"1": 0.3}``), an integer of 5,000 digits was Python's "Exceeds the limit
(4300 digits)" with advice to raise that limit, a value JSON cannot hold deep inside was
"<object object at 0x...> cannot be written as JSON" without saying where, and an
evaluation that holds itself was "Circular reference detected". ``rollback(name, to=N)`` to
a version whose files were removed by hand named the missing files, but not that the
current version stays nor which version would load; ``rollback(name)`` in a registry copied
without its ``current.json`` said "no current version to roll back", not how to point it at
one. Each test failed before its fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.serving.registry import CorruptVersionError, ModelRegistry

HUGE = 10 ** 5000


def _circular() -> dict:
    evaluation: dict = {"ndcg@10": 0.3}
    evaluation["self"] = evaluation
    return evaluation


@pytest.mark.parametrize("evaluation, message", [
    ({1: 0.3}, "evaluation keys must be text (names such as 'ndcg@10'), got int 1; write "
               "'1'"),
    ({"results": [{"ndcg": {(1, 2): 0.3}}]},
     "evaluation['results'][0]['ndcg'] keys must be text (names such as 'ndcg@10'), got "
     "tuple (1, 2)"),
    ({"results": {"users": HUGE}},
     "evaluation['results']['users'] is an integer of 5,001 digits, which the manifest "
     "cannot record; give a result as a number of ordinary size"),
    ({"results": {"ndcg": object()}},
     "evaluation must be JSON-serialisable (numbers, text, lists, mappings); "
     "evaluation['results']['ndcg'] is of type object, which JSON cannot hold"),
    ({"results": [np.complex128(1j)]},
     "evaluation must be JSON-serialisable (numbers, text, lists, mappings); "
     "evaluation['results'][0] is of type complex, which JSON cannot hold"),
    (_circular(), "evaluation['self'] refers back to a list or mapping that holds it (a "
                  "circular reference), which JSON cannot hold"),
])
def test_an_evaluation_the_manifest_cannot_record_is_refused_naming_where(tmp_path, popular,
                                                                          evaluation,
                                                                          message):
    registry = ModelRegistry(tmp_path / "registry")
    with pytest.raises(ConfigError) as raised:
        registry.publish("pop", popular, evaluation=evaluation)
    assert str(raised.value) == f"publish pop: {message}"
    assert registry.names() == []  # refused before any work


def test_an_evaluation_of_numpy_values_and_shared_lists_is_recorded(tmp_path, popular):
    registry = ModelRegistry(tmp_path / "registry")
    shared = [1, 2]  # one list under two keys is no circular reference
    evaluation = {"trained_on": "all", "results": {"ndcg@10": np.float64(0.25),
                                                   "users": np.int64(7), "a": shared,
                                                   "b": shared, "curve": np.array([0.5, 1])}}
    registry.publish("pop", popular, evaluation=evaluation)
    assert registry.manifest("pop")["evaluation"] == {
        "trained_on": "all", "results": {"ndcg@10": 0.25, "users": 7, "a": [1, 2],
                                         "b": [1, 2], "curve": [0.5, 1.0]}}


@pytest.fixture
def three(tmp_path: Path, popular) -> ModelRegistry:
    registry = ModelRegistry(tmp_path / "registry")
    for _ in range(3):
        registry.publish("pop", popular)
    return registry


def test_a_rollback_to_a_version_whose_files_were_removed_says_what_stays(three):
    shutil.rmtree(Path(three.root) / "pop" / "versions" / "00000002" / "model")
    with pytest.raises(CorruptVersionError) as raised:
        three.rollback("pop", to=2)
    message = str(raised.value)
    assert message.startswith(f"{three.root}: pop@2: files do not match manifest.json; "
                              "missing: ")
    assert message.endswith("; pop stays at 3; roll back to a version that checks out with "
                            "rollback('pop', to=1)")
    assert three.current("pop") == 3
    assert three.rollback("pop", to=1) == 1  # the hint works


def test_a_rollback_to_a_version_folder_removed_says_what_stays(three):
    for version in ("00000001", "00000002"):
        shutil.rmtree(Path(three.root) / "pop" / "versions" / version)
    with pytest.raises(RecstackError) as raised:
        three.rollback("pop", to=1)
    # no other version than the current one is left to suggest
    assert str(raised.value) == (f"{three.root}: pop@1 does not exist (versions: [3]); it "
                                 "was current before pop@3, and its folder has gone since "
                                 "(pruned, or removed by hand); pop stays at 3")
    assert three.current("pop") == 3


def test_a_rollback_in_a_registry_copied_without_its_alias_says_how_to_point_it(three):
    (Path(three.root) / "pop" / "current.json").unlink()
    with pytest.raises(RecstackError) as raised:
        three.rollback("pop")
    assert str(raised.value) == (
        f"{three.root}: pop has versions [1, 2, 3] but no current version (pop/current.json "
        "is missing); point it at one with set_current('pop', 3), or name the version: "
        "pop@3; a rollback goes back from the current version")
    three.set_current("pop", 3)
    assert three.current("pop") == 3


def test_set_current_to_a_version_whose_files_were_removed_says_what_stays(three):
    shutil.rmtree(Path(three.root) / "pop" / "versions" / "00000002" / "model")
    with pytest.raises(CorruptVersionError) as raised:
        three.set_current("pop", 2)
    assert str(raised.value).endswith("; pop stays at 3; point it at a version that checks "
                                      "out with set_current('pop', 1)")
    assert three.current("pop") == 3


def _results(tmp_path: Path, **changes) -> Path:
    """A results.json of two models as `recstack evaluate` writes it, ``als`` (the second)
    changed by ``changes``."""
    import json

    als = {"model": "als", "metrics": {"ndcg@10": {"mean": 0.25, "ci_low": 0.2,
                                                   "ci_high": 0.3, "n_users": 90},
                                       "novelty@10": {"mean": 3.5, "ci_low": 3.4,
                                                      "ci_high": 3.6, "n_users": 90}},
           "aggregate": {"coverage@10": 0.4}, "fit_seconds": 1.5,
           "users_without_relevant": 10} | changes
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"models": [{"model": "pop", "metrics": {}, "aggregate": {}},
                                           als]}))
    return path


@pytest.mark.parametrize("changes, field, shown, wanted", [
    ({"aggregate": {"coverage@10": 1.7}}, "aggregate.coverage@10", "1.7",
     "a share between 0 and 1 (coverage@10 is one) or null"),
    ({"aggregate": {"novelty@10": -1.0}}, "aggregate.novelty@10", "-1.0",
     "a value >= 0 (novelty is -log2 of a probability, at least 0) or null"),
    ({"metrics": {"ndcg@10": {"mean": 1.5}}}, "metrics.ndcg@10.mean", "1.5",
     "a share between 0 and 1 (ndcg@10 is one)"),
    ({"fit_seconds": float("inf")}, "fit_seconds", "Infinity",
     "a number of seconds >= 0 or null"),
])
def test_publish_results_holding_values_no_evaluation_writes_are_refused(tmp_path, changes,
                                                                         field, shown,
                                                                         wanted):
    from recstack.serving.commands import evaluation_of

    path = _results(tmp_path, **changes)
    with pytest.raises(RecstackError) as raised:
        evaluation_of(path, "als")
    # models[2]: the entry's place in the file, as the report names it
    assert str(raised.value) == (f"{path}: 'models[2].{field}' is {shown}; expected "
                                 f"{wanted}; rerun `recstack evaluate` or restore the file")


def test_publish_results_of_values_an_evaluation_writes_are_recorded(tmp_path):
    from recstack.serving.commands import evaluation_of

    entry = evaluation_of(_results(tmp_path), "als")
    assert entry["metrics"]["novelty@10"]["mean"] == 3.5
    assert entry["aggregate"] == {"coverage@10": 0.4}
