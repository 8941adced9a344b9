"""The metric registry: names resolve, and no registered metric goes without a reference test."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from recstack.metrics import (
    METRICS,
    RANKING_METRICS,
    MetricInputError,
    get_metric,
    metric_names,
    ranking_metrics,
)

TEST_DIR = Path(__file__).parent


def referenced_metric_names() -> dict[str, list[str]]:
    """Metric name -> tests marked ``@pytest.mark.reference(name)``, read from the test files.

    Parsing rather than importing keeps this independent of which tests were collected.
    Module-level aliases such as ``ALL = pytest.mark.reference(*NAMES)`` are followed when
    their names come from :data:`RANKING_METRICS`.
    """
    found: dict[str, list[str]] = {}

    def names_in(call: ast.Call) -> list[str]:
        names = []
        for arg in call.args:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                names.append(arg.value)
            elif isinstance(arg, ast.Starred) and getattr(arg.value, "id", "") == "RANKING_METRICS":
                names.extend(RANKING_METRICS)
        return names

    def is_reference_mark(node: ast.AST) -> bool:
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "reference"
        )

    for path in sorted(TEST_DIR.glob("test_*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        aliases = {
            target.id: names_in(node.value)
            for node in tree.body
            if isinstance(node, ast.Assign) and is_reference_mark(node.value)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test_"):
                continue
            for decorator in node.decorator_list:
                if is_reference_mark(decorator):
                    names = names_in(decorator)  # type: ignore[arg-type]
                elif isinstance(decorator, ast.Name) and decorator.id in aliases:
                    names = aliases[decorator.id]
                else:
                    continue
                for name in names:
                    found.setdefault(name, []).append(f"{path.name}::{node.name}")
    return found


def test_every_registered_metric_has_a_reference_test() -> None:
    referenced = referenced_metric_names()
    forgotten = [name for name in METRICS if name not in referenced]
    assert not forgotten, f"registered metrics without a @pytest.mark.reference test: {forgotten}"


def test_every_reference_mark_names_a_registered_metric() -> None:
    unknown = sorted(set(referenced_metric_names()) - set(METRICS))
    assert not unknown, f"reference marks name unregistered metrics: {unknown}"


def test_ranking_names_are_the_ones_ranking_metrics_accepts() -> None:
    assert metric_names("ranking") == RANKING_METRICS
    import numpy as np
    import scipy.sparse as sp

    out = ranking_metrics(np.array([[0]]), sp.csr_matrix(np.ones((1, 1))), ks=(1,),
                          metrics=metric_names("ranking"))
    assert len(out) == len(RANKING_METRICS)


def test_lookup_by_name() -> None:
    spec = get_metric("ndcg")
    assert spec.kind == "ranking" and spec.higher_is_better and spec.per_user
    assert get_metric("rmse").higher_is_better is False
    assert get_metric("calibration_ratio").higher_is_better is None
    with pytest.raises(MetricInputError, match=r"unknown metric 'ndgc' \(did you mean 'ndcg'\?\)"):
        get_metric("ndgc")
    with pytest.raises(MetricInputError, match="unknown metric kind 'rank'"):
        metric_names("rank")  # type: ignore[arg-type]


def test_registered_functions_are_public() -> None:
    import recstack.metrics as metrics

    for spec in METRICS.values():
        function = getattr(spec.function, "func", spec.function)  # unwrap functools.partial
        module = function.__module__
        assert module.startswith("recstack.metrics."), spec.name
        assert not function.__name__.startswith("_"), spec.name
        assert function.__doc__, spec.name
    assert set(metrics.__all__) >= {"ranking_metrics", "get_metric", "METRICS"}
