"""Experiment files (TOML) validated into typed objects.

Every mistake is reported with the file and the key that holds it, e.g.
``demo.toml: [split] method: 'randm' is not one of random, temporal, ...``.

Example::

    name = "synthetic-baselines"
    seed = 0

    [data]
    source = "synthetic"            # a path, a fetched dataset name, or synthetic[:opts]

    [[filters]]
    type = "k_core"
    user_min = 5
    item_min = 5

    [split]
    method = "random"               # random | temporal | leave_last_out | users
    test_fraction = 0.2

    [evaluation]
    metrics = ["ndcg", "recall", "precision", "map", "coverage"]
    ks = [10, 20]

    [[models]]
    type = "most_popular"

    [[models]]
    type = "random"
    seed = 1
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recstack.errors import ConfigError

SPLIT_METHODS = {
    "random": {"test_fraction": float, "seed": int},
    "temporal": {"cutoff": (int, str), "test_fraction": float},
    "leave_last_out": {"n": int},
    "users": {"test_users": float, "fold_in_fraction": float, "by_time": bool, "seed": int},
}
FILTERS = {
    "k_core": {"user_min": int, "item_min": int},
    "min_value": {"threshold": float},
    "time_window": {"start": (int, str), "end": (int, str)},
    "deduplicate": {"policy": str},
}
DATA_KEYS = {"source": str, "user_col": str, "item_col": str, "value_col": str,
             "timestamp_col": str, "rating_range": list}
EVALUATION_KEYS = {"metrics": list, "ks": list, "relevance_threshold": float, "graded": bool,
                   "n_threads": int,
                   "batch_size": int}


@dataclass(frozen=True)
class ModelSpec:
    type: str
    label: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Experiment:
    name: str
    seed: int
    data: dict[str, Any]
    filters: list[dict[str, Any]]
    split: dict[str, Any]
    evaluation: dict[str, Any]
    models: list[ModelSpec]
    source_file: str | None = None
    output: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such experiment file") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    return parse_experiment(raw, source=str(path))


def parse_experiment(raw: dict[str, Any], *, source: str = "<experiment>") -> Experiment:
    where = _Where(source)
    _check_keys(raw, {"name": str, "seed": int, "output": str, "data": dict, "filters": list,
                      "split": dict, "evaluation": dict, "models": list, "tune": dict},
                 where, required=(
                          "data", "split", "models"))
    seed = raw.get("seed", 0)
    data = raw["data"]
    _check_keys(data, DATA_KEYS, where.at("[data]"), required=("source",))
    if "rating_range" in data:
        rr = data["rating_range"]
        if len(rr) != 2 or not all(isinstance(x, int | float) for x in rr) or rr[0] >= rr[1]:
            raise ConfigError(f"{where.at('[data]')}rating_range: expected [low, high] with "
                              f"low < high, got {rr!r}")

    filters = []
    for i, spec in enumerate(raw.get("filters", [])):
        place = where.at(f"[[filters]] #{i + 1}")
        kind = _typed(spec, place)
        _check_keys(_without_type(spec), FILTERS[kind], place)
        filters.append(dict(spec))

    split = dict(raw["split"])
    _check_keys(split, {"method": str} | {k: v for m in SPLIT_METHODS.values()
                                          for k, v in m.items()}, where.at("[split]"),
                required=("method",))
    method = split["method"]
    if method not in SPLIT_METHODS:
        raise ConfigError(f"{where.at('[split]')}method: {method!r} is not one of "
                          f"{', '.join(SPLIT_METHODS)}")
    _check_keys(_without(split, "method"), SPLIT_METHODS[method], where.at("[split]"),
                what=f"{method} split")
    if "seed" in SPLIT_METHODS[method]:
        split.setdefault("seed", seed)

    evaluation = dict(raw.get("evaluation", {}))
    _check_keys(evaluation, EVALUATION_KEYS, where.at("[evaluation]"))
    ks = evaluation.get("ks", [10])
    if not ks or not all(isinstance(k, int) and not isinstance(k, bool) and k > 0 for k in ks):
        raise ConfigError(f"{where.at('[evaluation]')}ks: expected a list of positive "
                          f"integers, got {ks!r}")

    from recstack.models.registry import available_models

    models = []
    if not raw["models"]:
        raise ConfigError(f"{where.at('[[models]]')}at least one model is needed")
    labels: set[str] = set()
    for i, spec in enumerate(raw["models"]):
        place = where.at(f"[[models]] #{i + 1}")
        if not isinstance(spec, dict) or "type" not in spec:
            raise ConfigError(f"{place}needs a 'type' (one of {', '.join(available_models())})")
        if spec["type"] not in available_models():
            raise ConfigError(f"{place}type: unknown model {spec['type']!r}; available: "
                              + ", ".join(available_models()))
        label = spec.get("label", spec["type"])
        if label in labels:
            raise ConfigError(f"{place}label: {label!r} is used twice; give each model a label")
        labels.add(label)
        models.append(ModelSpec(spec["type"], label, _without(spec, "type", "label")))
    return Experiment(name=raw.get("name", Path(source).stem), seed=seed, data=data,
                      filters=filters, split=split, evaluation=evaluation, models=models,
                      source_file=source, output=raw.get("output"), raw=raw)


def dump_toml(raw: dict[str, Any]) -> str:
    """An experiment (as parsed TOML) written back as TOML text."""
    import tomli_w

    return tomli_w.dumps(raw)


# --------------------------------------------------------------------------- helpers
@dataclass(frozen=True)
class _Where:
    file: str
    section: str = ""

    def at(self, section: str) -> _Where:
        return _Where(self.file, section)

    def __str__(self) -> str:
        return f"{self.file}: {self.section + ' ' if self.section else ''}"

    def __add__(self, other: str) -> str:
        return str(self) + other


def _check_keys(table: Any, allowed: dict[str, Any], where: _Where, *,
                required: tuple[str, ...] = (), what: str | None = None) -> None:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}expected a table, got {type(table).__name__}")
    for key in required:
        if key not in table:
            raise ConfigError(f"{where}missing key {key!r}")
    for key, value in table.items():
        if key not in allowed:
            raise ConfigError(f"{where}unknown key {key!r}"
                              + (f" for a {what}" if what else "")
                              + f"; known keys: {', '.join(allowed)}")
        expected = allowed[key]
        kinds = expected if isinstance(expected, tuple) else (expected,)
        if float in kinds:
            kinds = kinds + (int,)
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            raise ConfigError(f"{where}{key}: expected {names}, got {value!r}")


def _typed(spec: Any, where: _Where) -> str:
    if not isinstance(spec, dict) or "type" not in spec:
        raise ConfigError(f"{where}needs a 'type' (one of {', '.join(FILTERS)})")
    if spec["type"] not in FILTERS:
        raise ConfigError(f"{where}type: {spec['type']!r} is not one of {', '.join(FILTERS)}")
    return spec["type"]


def _without_type(spec: dict[str, Any]) -> dict[str, Any]:
    return _without(spec, "type")


def _without(spec: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in spec.items() if k not in keys}
