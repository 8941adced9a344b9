"""An experiment's models run end to end: a failure names the model and writes nothing,
a search that draws one configuration again does not fit it again, folds keep their
settings, and one file run twice gives identical numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.config import parse_experiment
from recstack.experiment import run_experiment
from recstack.models import knn

SMALL = "synthetic:n_users=80,n_items=60,n_interactions=1500,seed=1"


def _raw(**changes):
    raw = {"name": "probe", "seed": 0, "data": {"source": SMALL},
           "split": {"method": "random", "test_fraction": 0.2},
           "evaluation": {"metrics": ["ndcg"], "ks": [5]},
           "models": [{"type": "most_popular"}, {"type": "item_knn", "neighbors": 10}]}
    return raw | changes


def _experiment(tmp_path: Path, **changes):
    return parse_experiment(_raw(**changes), source="probe.toml", base=tmp_path)


@pytest.mark.parametrize("error", [MemoryError(), RuntimeError("device-side assert")])
def test_a_model_failing_mid_run_is_named_and_nothing_is_written(tmp_path, monkeypatch,
                                                                 error) -> None:
    def fail(self, *args, **kwargs):
        raise error

    monkeypatch.setattr(knn.ItemKNN, "fit", fail)
    out = tmp_path / "results"
    with pytest.raises(type(error)) as raised:
        run_experiment(_experiment(tmp_path), out=out)
    said = str(raised.value) + " ".join(getattr(raised.value, "__notes__", []))
    assert "probe.toml: [[models]] #2 (item_knn)" in said
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no staging folder left either


def test_folds_keep_the_settings_they_share(tmp_path) -> None:
    result = run_experiment(_experiment(tmp_path, split={"method": "kfold", "k": 2}))
    meta = result.results[0].meta
    assert meta["folds"] == 2
    assert meta["relevance_threshold"] is None and meta["graded"] is False
    assert meta["n_items"] == 60


def test_a_configuration_drawn_again_is_not_fitted_again(tmp_path, monkeypatch) -> None:
    pytest.importorskip("optuna")
    import recstack.tuning as tuning

    fitted = []
    create = tuning.create_model

    def counting(kind, **params):
        fitted.append(params["neighbors"])
        return create(kind, **params)

    monkeypatch.setattr(tuning, "create_model", counting)
    experiment = _experiment(tmp_path, models=[{"type": "item_knn", "neighbors": 10}],
                             tune={"model": "item_knn", "metric": "ndcg@5", "trials": 6,
                                   "space": {"neighbors": {"type": "int", "low": 10,
                                                           "high": 11}}})
    result = tuning.tune(experiment)
    assert sorted(fitted) == [10, 11]  # two configurations, each fitted once
    assert len(result.trials) == 6
    by_value = {}
    for trial in result.trials:  # a repeat has the value of its first fit
        by_value.setdefault(trial["params"]["neighbors"], set()).add(trial["value"])
    assert all(len(values) == 1 for values in by_value.values())


def test_one_experiment_twice_gives_identical_numbers(tmp_path) -> None:
    pytest.importorskip("torch")
    models = [{"type": "als", "factors": 4, "iterations": 2},
              {"type": "lightgcn", "epochs": 1, "dim": 4}]
    first, second = (run_experiment(_experiment(tmp_path, models=models)) for _ in range(2))
    for a, b in zip(first.results, second.results, strict=True):
        assert a.per_user.equals(b.per_user), a.model
