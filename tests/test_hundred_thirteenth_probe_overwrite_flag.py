"""Hundred-thirteenth bad-input probe: ``overwrite`` given as something else than True or
False in the Python API.

``check_output(out, overwrite="no")`` (and ``run_experiment``, ``check_output_file``,
``ExperimentResult.write``) read the flag by its truth: the text ``"no"`` replaced earlier
results, ``None`` and ``0`` passed for False, ``1`` for True. Each now takes True or False
only, as the data layer's flags do (``recstack.data.interactions.check_flag``), and says
which function's argument was wrong.
"""

from __future__ import annotations

import pytest

from recstack.config import parse_experiment
from recstack.errors import ConfigError
from recstack.experiment import check_output, check_output_file, run_experiment

NOT_FLAGS = [None, 0, 1, "no", "false", 0.0]


def _results(tmp_path):
    out = tmp_path / "results"
    out.mkdir()
    (out / "results.json").write_text("old")
    return out


def _small():
    raw = {"name": "small", "data": {"source": "synthetic:n_users=60,n_items=40,"
                                                "n_interactions=600,seed=1"},
           "split": {"method": "random"}, "models": [{"type": "most_popular"}]}
    return parse_experiment(raw, source="small.toml")


@pytest.mark.parametrize("flag", NOT_FLAGS)
def test_check_output_takes_true_or_false_only(tmp_path, flag):
    out = _results(tmp_path)
    for target in (out, tmp_path / "new"):
        with pytest.raises(ConfigError, match=r"check_output: overwrite must be True or "
                                              r"False, got " + repr(flag).replace(".", r"\.")):
            check_output(target, overwrite=flag)
    assert (out / "results.json").read_text() == "old"
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("flag", NOT_FLAGS)
def test_check_output_file_takes_true_or_false_only(tmp_path, flag):
    target = tmp_path / "tuned.toml"
    target.write_text("old")
    with pytest.raises(ConfigError, match="check_output_file: overwrite must be True or False"):
        check_output_file(target, overwrite=flag)
    assert target.read_text() == "old"


@pytest.mark.parametrize("flag", ["no", None])
def test_run_experiment_refuses_a_flag_before_any_work(tmp_path, flag, monkeypatch):
    import recstack.experiment as experiment_module

    def no_loading(*args, **kwargs):
        raise AssertionError("data were loaded")

    monkeypatch.setattr(experiment_module, "load_source", no_loading)
    out = _results(tmp_path)
    with pytest.raises(ConfigError, match="run_experiment: overwrite must be True or False"):
        run_experiment(_small(), out=out, overwrite=flag)
    assert (out / "results.json").read_text() == "old"


def test_result_write_refuses_a_flag_and_keeps_the_old_results(tmp_path):
    result = run_experiment(_small())
    out = _results(tmp_path)
    with pytest.raises(ConfigError, match="ExperimentResult.write: overwrite must be True"):
        result.write(out, overwrite="no")
    assert (out / "results.json").read_text() == "old"
    result.write(out, overwrite=True)  # the real flag still works
    assert (out / "results.json").read_text() != "old"


def test_numpy_booleans_are_flags_too(tmp_path):
    import numpy as np

    out = _results(tmp_path)
    assert check_output(out, overwrite=np.bool_(True)) == out
