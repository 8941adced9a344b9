"""Round 54 (U): a seeded argument fuzzer over the public Python API.

Each call site is a tiny valid call (50 users x 40 items). The mutator replaces ONE argument
at a time with a realistic wrong value (None, a bool, a number as text, NaN, an empty or
ragged container, a frame, bytes, a missing path, an unrelated recstack object, ...). The
rule every mutant must keep: the call either succeeds with a result that is not judged
wrong (no repeated item in a list, no all-NaN metric, no NaN float), or it raises a
:class:`recstack.errors.RecstackError` whose message is at most 2,000 characters (or the
``TypeError`` of a misspelt keyword). Anything escaping from numpy/pandas/scipy, or a hang,
breaks the rule.

The mutants that break the rule today are not skipped silently: each bug class has its own
``xfail(strict=True)`` test below, which turns red when the bug is fixed so that the mark is
removed and the mutants join the bounded sweep.
"""

from __future__ import annotations

import datetime
import decimal
import fractions
import functools
import math
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.data.files import load_table
from recstack.data.filters import Deduplicate, KCore, MinValue, TimeWindow, apply_filters, k_core
from recstack.data.interactions import Interactions
from recstack.data.splits import (
    kfold_split,
    leave_last_out,
    random_split,
    temporal_split,
    user_split,
)
from recstack.data.synthetic import generate
from recstack.errors import RecstackError
from recstack.evaluation.evaluator import Evaluator
from recstack.evaluation.sampled import evaluate_sampled
from recstack.metrics import (
    average_popularity,
    catalog_coverage,
    gini_index,
    group_auc,
    intra_list_diversity,
    log_loss,
    novelty,
    roc_auc,
)
from recstack.metrics.ranking import ranking_metrics
from recstack.models import create_model, load_model
from recstack.pipeline import calibration
from recstack.pipeline.rerank import create_reranker
from recstack.serving.registry import ModelRegistry
from recstack.topk import top_k

# the library's warnings about odd but accepted values are not what this sweep judges
pytestmark = pytest.mark.filterwarnings("ignore")

SEED = 54
MUTANTS_PER_ARGUMENT = 10  # keeps the whole sweep well under 90 s on one busy core
CALL_LIMIT_S = 20  # a tiny call that runs longer than this is hanging

# Small enough that a fit on 50 x 40 takes milliseconds; the hyperparameter under test
# overrides these.
SMALL_MODELS: dict[str, dict[str, Any]] = {
    "als": {"factors": 4, "iterations": 2}, "bpr": {"factors": 4, "epochs": 2},
    "bspm": {"k": 8}, "gf_cf": {"k": 8}, "ials": {"factors": 4, "iterations": 2},
    "item_knn": {"neighbors": 10}, "rp3beta": {"neighbors": 10},
    "user_knn": {"neighbors": 10}, "ease": {"regularization": 10.0}, "most_popular": {},
    "random": {}, "content": {},
    "mult_vae": {"epochs": 1, "hidden": 8, "latent": 4, "batch_size": 16, "device": "cpu"},
}
# the methods' sweep runs on a few models; the hyperparameter sweep covers every one above
MODELS_FOR_METHODS = ("ease", "als", "item_knn", "rp3beta", "mult_vae")


class _Hang(BaseException):
    """Raised by the alarm: a BaseException so that no `except Exception` swallows it."""


class World:
    """The shared valid inputs, built once for the module."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = generate(n_users=50, n_items=40, seed=0)
        self.split = random_split(self.data, 0.2, seed=0)
        self.frame = self.data.to_frame()
        self.csv = folder / "ratings.csv"
        self.frame.to_csv(self.csv, index=False)
        self._fitted: dict[str, Any] = {}
        self.user_ids = list(self.frame["user_id"].unique()[:3])
        self.item_ids = list(self.frame["item_id"].unique()[:3])
        self._counter = 0
        self.registry = ModelRegistry(folder / "registry")
        self.registry.publish("ease", self.fitted("ease"), index=None)
        self.registry.publish("ease", self.fitted("ease"), index=None)

    def fitted(self, name: str) -> Any:
        if name not in self._fitted:
            self._fitted[name] = create_model(name, **SMALL_MODELS[name]).fit(self.split.train)
        return self._fitted[name]

    def fresh(self, stem: str) -> Path:
        self._counter += 1
        return self.folder / f"{stem}_{self._counter}"


Site = tuple[str, Callable[..., Any], Callable[[], dict[str, Any]]]


def _fit(world: World, name: str, **params: Any) -> Any:
    return create_model(name, **params).fit(world.split.train)


def _rerank(world: World, step: str, **params: Any) -> Any:
    model = create_model("reranked", model={"type": "ease", "regularization": 10.0},
                         chain=[{"type": step, **params}])
    return model.fit(world.split.train).recommend(world.user_ids, k=5)


def _valid_hyperparameters(name: str, small: dict[str, Any]) -> dict[str, Any]:
    return {**create_model(name).get_params(), **small}


def _save_arguments(world: World, name: str) -> dict[str, Any]:
    return {"path": world.fresh(f"saved_{name}"), "overwrite": False}


def sites(world: World) -> Iterator[Site]:
    """(label, function, valid keyword arguments) for each call a user makes daily."""
    w = world

    def median_time() -> int:
        return int(w.frame["timestamp"].median())

    yield "load_table", load_table, lambda: {
        "path": w.csv, "user_col": "user_id", "item_col": "item_id", "value_col": "value",
        "timestamp_col": "timestamp", "separator": ",", "rating_range": (1.0, 5.0),
        "duplicates": "keep"}
    yield "Interactions.from_arrays", Interactions.from_arrays, lambda: {
        "user_ids": w.frame["user_id"].to_numpy(), "item_ids": w.frame["item_id"].to_numpy(),
        "values": w.frame["value"].to_numpy(), "timestamps": w.frame["timestamp"].to_numpy(),
        "duplicates": "keep", "rating_range": (1.0, 5.0)}
    yield "Interactions.from_frame", Interactions.from_frame, lambda: {
        "frame": w.frame, "user_col": "user_id", "item_col": "item_id", "value_col": "value",
        "timestamp_col": "timestamp"}
    yield "apply_filters", apply_filters, lambda: {"data": w.data, "filters": [KCore(2, 2)]}
    yield "KCore", lambda **kw: apply_filters(w.data, [KCore(**kw)]), lambda: {
        "user_min": 2, "item_min": 2}
    yield "MinValue", lambda **kw: apply_filters(w.data, [MinValue(**kw)]), lambda: {
        "threshold": 3.0}
    yield "TimeWindow", lambda **kw: apply_filters(w.data, [TimeWindow(**kw)]), lambda: {
        "start": median_time(), "end": None}
    yield "Deduplicate", lambda **kw: apply_filters(w.data, [Deduplicate(**kw)]), lambda: {
        "policy": "last"}
    yield "k_core", k_core, lambda: {"data": w.data, "user_min": 2, "item_min": 2}
    yield "random_split", random_split, lambda: {"data": w.data, "test_fraction": 0.2,
                                                 "seed": 0}
    yield "temporal_split", temporal_split, lambda: {"data": w.data, "test_fraction": 0.2}
    yield "temporal_split(cutoff)", temporal_split, lambda: {"data": w.data,
                                                             "cutoff": median_time()}
    yield "leave_last_out", leave_last_out, lambda: {"data": w.data, "n": 1}
    yield "user_split", user_split, lambda: {"data": w.data, "test_users": 0.2,
                                             "fold_in_fraction": 0.8, "by_time": False,
                                             "seed": 0}
    yield "kfold_split", lambda **kw: list(kfold_split(**kw)), lambda: {
        "data": w.data, "k": 3, "stratify": "user", "seed": 0}
    yield "Interactions.implicit", lambda **kw: w.data.implicit(**kw), lambda: {
        "threshold": 4.0, "alpha": None}
    yield "Interactions.to_csr", lambda **kw: w.data.to_csr(**kw), lambda: {"dtype": np.float32}
    yield "Interactions.select", lambda **kw: w.data.select(**kw), lambda: {"rows": np.arange(10)}
    yield "Interactions.for_users", lambda **kw: w.data.for_users(**kw), lambda: {
        "user_indices": np.array([0, 1, 2])}
    yield "Interactions.for_items", lambda **kw: w.data.for_items(**kw), lambda: {
        "item_indices": np.array([0, 1, 2])}
    yield "Interactions.between", lambda **kw: w.data.between(**kw), lambda: {
        "start": int(w.frame["timestamp"].min()), "end": median_time()}
    yield "Interactions.deduplicate", lambda **kw: w.data.deduplicate(**kw), lambda: {
        "policy": "last"}
    yield "Interactions.with_values", lambda **kw: w.data.with_values(**kw), lambda: {
        "values": np.ones(len(w.data.value))}
    for name, small in SMALL_MODELS.items():
        yield (f"create_model({name})", lambda name=name, **kw: _fit(w, name, **kw),
               functools.partial(_valid_hyperparameters, name, small))
    for name in MODELS_FOR_METHODS:
        yield (f"{name}.fit", lambda name=name, **kw: create_model(
            name, **SMALL_MODELS[name]).fit(**kw), lambda: {"train": w.split.train})
        yield (f"{name}.recommend", lambda name=name, **kw: w.fitted(name).recommend(**kw),
               lambda: {"users": w.user_ids, "k": 5, "exclude_seen": True,
                        "batch_size": None})
        yield (f"{name}.score", lambda name=name, **kw: w.fitted(name).score(**kw),
               lambda: {"users": w.user_ids, "items": w.item_ids})
        yield (f"{name}.score_users", lambda name=name, **kw: w.fitted(name).score_users(**kw),
               lambda: {"user_indices": np.array([0, 1, 2])})
        yield (f"{name}.similar_items",
               lambda name=name, **kw: w.fitted(name).similar_items(**kw),
               lambda: {"items": w.item_ids, "k": 5})
        for fold_in in ("score_histories", "fold_in"):
            if hasattr(type(create_model(name)), fold_in):
                yield (f"{name}.{fold_in}", lambda name=name, fold_in=fold_in, **kw: getattr(
                    w.fitted(name), fold_in)(**kw),
                    lambda: {"histories": w.split.train.to_csr()[:3]})
        yield (f"{name}.save", lambda name=name, **kw: w.fitted(name).save(**kw),
               functools.partial(_save_arguments, w, name))
    yield "load_model", load_model, lambda: {"path": w.fitted("ease").save(w.fresh("lm"))}
    yield "Evaluator", lambda **kw: Evaluator(**kw).evaluate(
        w.fitted("ease"), w.split.train, w.split.test), lambda: {
        "metrics": ("ndcg", "recall", "coverage"), "ks": (5, 10), "relevance_threshold": 3.0,
        "graded": False, "duplicate_grade": "last", "batch_size": 16}
    yield "Evaluator.evaluate", Evaluator(metrics=("ndcg", "recall"), ks=(5,)).evaluate, \
        lambda: {"model": w.fitted("ease"), "train": w.split.train, "test": w.split.test}
    yield "evaluate_sampled", evaluate_sampled, lambda: {
        "model": w.fitted("ease"), "train": w.split.train, "test": w.split.test, "ks": (5,),
        "n_negatives": 10, "seed": 0, "relevance_threshold": None, "batch_size": None}
    yield "ranking_metrics", ranking_metrics, lambda: {
        "recommended": np.array([[0, 1, 2], [3, 4, 5]]), "truth": sp.csr_matrix(np.eye(2, 8)),
        "ks": (1, 3), "metrics": ["ndcg", "recall"]}
    lists = np.array([[0, 1, 2], [3, 4, 5], [1, 2, 3]])
    yield "catalog_coverage", catalog_coverage, lambda: {"recommended": lists, "n_items": 8,
                                                         "k": 2}
    yield "gini_index", gini_index, lambda: {"recommended": lists, "n_items": 8, "k": 2}
    yield "novelty", novelty, lambda: {"recommended": lists, "item_counts": np.arange(1, 9),
                                       "n_users": 10}
    yield "average_popularity", average_popularity, lambda: {
        "recommended": lists, "item_popularity": np.arange(1, 9), "k": 2}
    yield "intra_list_diversity", intra_list_diversity, lambda: {
        "recommended": lists, "item_features": np.eye(8), "k": 3}
    labels, probabilities = np.array([0, 1, 1, 0]), np.array([0.1, 0.8, 0.6, 0.3])
    yield "log_loss", log_loss, lambda: {"y_true": labels, "y_prob": probabilities}
    yield "roc_auc", roc_auc, lambda: {"y_true": labels, "y_score": probabilities}
    yield "group_auc", group_auc, lambda: {"y_true": labels, "y_score": probabilities,
                                           "groups": np.array([0, 0, 1, 1]),
                                           "weight": "impressions"}
    yield "top_k", top_k, lambda: {"scores": np.random.default_rng(0).random((4, 10)), "k": 3,
                                   "method": "auto"}
    scores = np.linspace(-2, 2, 40)
    outcomes = (np.arange(40) % 3 == 0).astype(int)
    for kind in ("PlattCalibrator", "IsotonicCalibrator", "TemperatureCalibrator",
                 "HistogramCalibrator"):
        cls = getattr(calibration, kind)
        yield f"{kind}.fit", lambda cls=cls, **kw: cls().fit(**kw), lambda: {
            "scores": scores, "labels": outcomes}
        yield (f"{kind}.predict", lambda cls=cls, **kw: cls().fit(scores, outcomes).predict(
            **kw), lambda: {"scores": np.linspace(-1, 1, 5)})
    required: dict[str, dict[str, Any]] = {"column_boost": {"column": "year"},
                "item_predicate": {"column": "year", "value": 2001}}
    for step in ("block_list", "calibrated", "column_boost", "exposure_fairness",
                 "freshness", "item_predicate", "long_tail_share", "mmr",
                 "popularity_penalty"):
        params = {**create_reranker({"type": step, **required.get(step, {})}).get_params(),
                  **required.get(step, {})}
        yield (f"rerank({step})", lambda step=step, **kw: _rerank(w, step, **kw),
               functools.partial(dict, params))
    yield "reranked", lambda **kw: create_model("reranked", **kw).fit(w.split.train), lambda: {
        "model": {"type": "ease"}, "chain": [{"type": "popularity_penalty"}],
        "n_candidates": 20}
    yield "ModelRegistry.publish", lambda **kw: ModelRegistry(w.fresh("reg")).publish(**kw), \
        lambda: {"name": "ease", "model": w.fitted("ease"), "data": w.split.train,
                 "evaluation": {"ndcg@10": 0.1}, "index": None, "make_current": True,
                 "keep": None}
    yield "ModelRegistry.load", lambda **kw: w.registry.load(**kw), lambda: {
        "reference": "ease", "version": 1}
    yield "ModelRegistry.prune", lambda **kw: w.registry.prune(**kw), lambda: {
        "name": "ease", "keep": 3}
    yield "ModelRegistry(root)", lambda **kw: ModelRegistry(**kw).names(), lambda: {
        "root": w.folder / "registry"}


def wrong_values(world: World, valid: Any) -> list[tuple[str, Any]]:
    """(tag, value): the mistakes a user makes, shaped after the valid value."""
    values: list[tuple[str, Any]] = [
        ("None", None), ("True", True), ("False", False), ("number_as_text", "3"),
        ("float_for_int", 2.5), ("zero", 0), ("minus_one", -1), ("nan", float("nan")),
        ("inf", float("inf")), ("huge", 1e300), ("empty_list", []),
        ("empty_array", np.array([])), ("empty_frame", pd.DataFrame()),
        ("mixed_list", [1, "a", None, 2.5]), ("series", pd.Series([1, 2, 3])),
        ("frame", pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})), ("dict", {"a": 1}),
        ("numpy_int", np.int64(3)), ("bytes", b"abc"),
        ("missing_path", world.folder / "does_not_exist.csv"),
        ("interactions", world.data), ("model", world.fitted("ease")),
        ("split", world.split), ("id_map", world.data.users),
        ("reranker", create_reranker({"type": "popularity_penalty"})),
        ("sparse", sp.csr_matrix(np.eye(3))), ("datetime", datetime.datetime(2020, 1, 1)),
        ("decimal", decimal.Decimal("2.5")), ("fraction", fractions.Fraction(1, 3)),
        ("complex", 1 + 2j), ("set", {1, 2}), ("empty_text", ""), ("float32_nan",
                                                                     np.float32("nan")),
        ("big_int", 2**63), ("negative_float", -0.5), ("object_array",
                                                       np.array([None, None], dtype=object)),
    ]
    array = None
    if isinstance(valid, np.ndarray):
        array = valid
    elif isinstance(valid, list | tuple) and valid and all(
            isinstance(v, int | float | str | np.generic) for v in valid):
        array = np.asarray(valid)
    if array is not None:
        if array.ndim == 1 and array.size:
            values += [("as_row", array.reshape(1, -1)), ("as_column", array.reshape(-1, 1))]
        elif array.ndim >= 2:
            values.append(("flattened", array.ravel()))
        if array.dtype.kind in "iuf" and array.size:
            with_nan = array.astype(float)
            with_nan.flat[0] = np.nan
            values += [("array_with_nan", with_nan), ("array_as_text", array.astype(str))]
    if isinstance(valid, str):
        values += [("upper_case", valid.upper()), ("padded", f" {valid} ")]
    return values


def judged_wrong(result: Any) -> list[str]:
    """What makes an accepted call's result wrong without knowing the right answer."""
    found: list[str] = []

    def scan(value: Any) -> None:
        if isinstance(value, tuple):
            for part in value:
                scan(part)
        elif isinstance(value, dict):
            for key, part in value.items():
                if isinstance(part, np.ndarray) and part.dtype.kind == "f" and part.size \
                        and np.isnan(part).all():
                    found.append(f"metric {key} is NaN for every user")
        elif isinstance(value, np.ndarray) and value.ndim == 2 and value.dtype.kind in "iuO":
            for row in value.tolist():
                items = [item for item in row if item is not None and item != -1]
                if len(items) != len(set(items)):
                    found.append(f"a list repeats an item: {row}")
                    return
        elif isinstance(value, float) and math.isnan(value):
            found.append("the result is NaN")

    scan(result)
    return found


def call_once(function: Callable[..., Any], kwargs: dict[str, Any]) -> tuple[str, str]:
    """(outcome, detail): 'accepted', 'refused' or 'broke', with why it broke."""
    def ring(signum: int, frame: Any) -> None:
        raise _Hang

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(CALL_LIMIT_S)
    try:
        result = function(**kwargs)
    except _Hang:
        return "broke", f"still running after {CALL_LIMIT_S} s"
    except RecstackError as error:
        if len(str(error)) > 2000:
            return "broke", f"message of {len(str(error)):,} characters"
        return "refused", str(error)
    except TypeError as error:
        if "unexpected keyword" in str(error):
            return "refused", str(error)
        return "broke", f"TypeError: {error}"
    except Exception as error:  # noqa: BLE001 - any other class is what the sweep hunts
        return "broke", f"{type(error).__name__}: {str(error)[:300]}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    problems = judged_wrong(result)
    return ("broke", "; ".join(problems)) if problems else ("accepted", "")


# (site, argument, tag) that break the rule today; each is covered by an xfail test below.
KNOWN_BREAKERS: set[tuple[str, str, str]] = set()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return World(tmp_path_factory.mktemp("fuzz"))


def _site_labels() -> list[str]:
    # the labels alone, so that collection builds no data: sites() touches the world only
    # inside the calls it yields
    stub = object.__new__(World)
    stub.folder = Path("unused")
    return [label for label, _, _ in sites(stub)]


SITE_LABELS = _site_labels()


@pytest.mark.parametrize("label", SITE_LABELS)
def test_one_wrong_argument_is_refused_by_a_recstack_error(
        world: World, label: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # a relative path among the mutants ("3") is written where the test runs: not the tree
    monkeypatch.chdir(tmp_path)
    function, make = next((f, m) for name, f, m in sites(world) if name == label)
    outcome, detail = call_once(function, make())
    assert outcome == "accepted", f"{label}: the valid call itself failed: {detail}"
    rng = np.random.default_rng([SEED, SITE_LABELS.index(label)])
    broken: list[str] = []
    tried = 0
    for argument in make():
        candidates = wrong_values(world, make()[argument])
        chosen = rng.choice(len(candidates), size=min(MUTANTS_PER_ARGUMENT, len(candidates)),
                            replace=False)
        for index in sorted(chosen):
            tag, value = candidates[index]
            if (label, argument, tag) in KNOWN_BREAKERS:
                continue
            outcome, detail = call_once(function, {**make(), argument: value})
            tried += 1
            if outcome == "broke":
                broken.append(f"{label}({argument}={tag}): {detail}")
        misspelt = make()
        misspelt[argument + "_"] = misspelt.pop(argument)
        outcome, detail = call_once(function, misspelt)
        if outcome == "accepted":
            broken.append(f"{label}: the misspelt keyword {argument}_ was accepted")
    assert tried > 0
    assert not broken, "\n".join(broken)


def test_the_sweep_covers_every_model_and_each_public_family() -> None:
    # a site dropped by mistake would shrink the sweep without any test failing
    for name in SMALL_MODELS:
        assert f"create_model({name})" in SITE_LABELS
    for family in ("load_table", "Interactions.from_arrays", "random_split", "kfold_split",
                   "Evaluator", "ranking_metrics", "top_k", "PlattCalibrator.fit",
                   "rerank(mmr)", "ModelRegistry.publish", "ModelRegistry.load"):
        assert family in SITE_LABELS


def test_the_judge_catches_a_repeated_item_and_a_nan_metric() -> None:
    # the acceptance check must be able to fail, or accepted mutants are never judged
    assert judged_wrong((np.array([[1, 2, 1]]), np.zeros((1, 3))))
    assert judged_wrong({"ndcg@5": np.array([np.nan, np.nan])})
    assert not judged_wrong((np.array([[1, 2, -1, -1]]), np.zeros((1, 4))))


def test_call_once_reports_a_foreign_exception_and_a_long_message() -> None:
    def foreign() -> None:
        raise IndexError("index 7 is out of bounds")

    def long_message() -> None:
        raise RecstackError("x" * 2001)

    assert call_once(foreign, {})[0] == "broke"
    assert call_once(long_message, {})[0] == "broke"
    assert call_once(lambda: (_ for _ in ()).throw(RecstackError("bad k")), {})[0] == "refused"


# ---- the bug classes found by the sweep: each turns red when fixed ----

@pytest.mark.parametrize("case", [
    "top_k(method=Series)", "top_k(method=csr)", "top_k(method=empty array)",
    "top_k(method=DataFrame)",
    "publish(index=empty array)", "publish(index=DataFrame)"])
def test_an_array_for_a_string_option_is_refused_by_name(
        world: World, case: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    scores = np.random.default_rng(0).random((4, 10))
    empty: Any = np.array([])
    calls = {
        "top_k(method=Series)": (lambda: top_k(scores, 3, method=pd.Series(["auto"])),
                                 "method"),
        "top_k(method=csr)": (lambda: top_k(scores, 3, method=sp.csr_matrix(np.eye(2))),
                              "method"),
        "top_k(method=empty array)": (lambda: top_k(scores, 3, method=empty), "method"),
        "top_k(method=DataFrame)": (lambda: top_k(scores, 3, method=pd.DataFrame(
            {"method": ["auto"]})), "method"),
        "publish(index=empty array)": (lambda: ModelRegistry(tmp_path / "r").publish(
            "ease", world.fitted("ease"), index=empty), "index"),
        "publish(index=DataFrame)": (lambda: ModelRegistry(tmp_path / "r").publish(
            "ease", world.fitted("ease"), index=pd.DataFrame({"a": [1, 2]})), "index"),
    }
    function, argument = calls[case]
    try:
        function()
    except RecstackError as error:
        assert argument in str(error)
        return
    except Exception as error:  # noqa: BLE001 - the bug: a foreign class escapes
        raise AssertionError(f"{case}: {type(error).__name__}: {error}") from error
    raise AssertionError(f"{case} was accepted")


@pytest.mark.parametrize("case", ["score_users", "Evaluator(ks)", "evaluate_sampled(ks)",
                                  "group_auc(groups)"])
def test_a_ragged_nested_list_is_refused_by_name(world: World, case: str) -> None:
    ragged: Any = [[1, 2], [3]]
    calls = {
        "score_users": (lambda: world.fitted("ease").score_users(ragged), "user_indices"),
        "Evaluator(ks)": (lambda: Evaluator(ks=ragged), "ks"),
        "evaluate_sampled(ks)": (lambda: evaluate_sampled(
            world.fitted("ease"), world.split.train, world.split.test, ks=ragged), "ks"),
        "group_auc(groups)": (lambda: group_auc(np.array([0, 1]), np.array([0.2, 0.7]),
                                                ragged), "groups"),
    }
    function, argument = calls[case]
    try:
        function()
    except RecstackError as error:
        assert argument in str(error)
        return
    except Exception as error:  # noqa: BLE001 - the bug: a foreign class escapes
        raise AssertionError(f"{case}: {type(error).__name__}: {error}") from error
    raise AssertionError(f"{case} was accepted")


def test_a_dtype_numpy_cannot_read_is_refused_by_name(world: World) -> None:
    try:
        world.data.to_csr(dtype=pd.Categorical(["a", "b"]))
    except RecstackError as error:
        assert "dtype" in str(error)
        return
    except Exception as error:  # noqa: BLE001 - the bug: a foreign class escapes
        raise AssertionError(f"{type(error).__name__}: {error}") from error
    raise AssertionError("to_csr accepted a Categorical as its dtype")


# ---- the fixed classes, beyond the fuzzer's own mutants ----

@pytest.mark.parametrize(("ks", "named"), [
    ([10, [20]], "ks[0] holds a single value and ks[1] 1 entry"),
    ([[10, 20], [20, 30, 40]], "ks[0] holds 2 entries and ks[1] 3 entries"),
    # equal rows at the top, ragged one level down
    ([[[10], [20, 30]]], "ks[0][0] holds 1 entry and ks[0][1] 2 entries"),
])
def test_a_ragged_list_of_cutoffs_names_the_rows_that_differ(ks: Any, named: str) -> None:
    with pytest.raises(RecstackError) as caught:
        Evaluator(ks=ks)
    assert named in str(caught.value)


@pytest.mark.parametrize("kind", ["list", "set", "dict"])
def test_a_collection_as_a_group_id_is_refused_by_its_position(kind: str) -> None:
    groups = np.empty(3, dtype=object)
    groups[:] = [7, 7, None]
    groups[2] = {"list": [1, 2], "set": {1, 2}, "dict": {"user": 1}}[kind]
    with pytest.raises(RecstackError) as caught:
        group_auc(np.array([0, 1, 1]), np.array([0.2, 0.7, 0.4]), groups)
    assert f"position 2 holds a {kind}" in str(caught.value)


def test_a_list_of_thresholds_is_named_by_its_size_not_written_whole() -> None:
    with pytest.raises(RecstackError) as caught:
        Evaluator(relevance_threshold=list(range(1000)))
    message = str(caught.value)
    assert "relevance_threshold" in message and "a list of 1,000 items" in message
    assert "999" not in message


def test_a_rating_outside_the_range_given_names_rating_range(world: World) -> None:
    # the generated ratings run from 1 to 5, so 5 lies outside (1, 2)
    with pytest.raises(RecstackError) as caught:
        load_table(world.csv, user_col="user_id", item_col="item_id", value_col="value",
                   timestamp_col="timestamp", rating_range=(1, 2))
    assert "rating_range = (1, 2)" in str(caught.value)
    assert "(expected a rating between 1 and 2)" in str(caught.value)


@pytest.mark.parametrize("options", [{"workers": [2]}, {"nan_refused": np.array([True])}])
def test_an_unhashable_option_of_the_threaded_selection_is_refused_by_name(
        options: dict[str, Any]) -> None:
    # the messages' helper was cached on the value shown: a list was "unhashable type"
    from concurrent.futures import ThreadPoolExecutor

    from recstack.topk import top_k_threaded

    scores = np.random.default_rng(0).random((4, 10))
    with ThreadPoolExecutor(2) as executor, pytest.raises(RecstackError) as caught:
        top_k_threaded(scores, 3, executor, **{"workers": 2, **options})
    assert next(iter(options)) in str(caught.value)
