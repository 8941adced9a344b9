"""Hundred-twenty-second probe: an experiment's ``[data] split`` naming a k-fold fold past
the folds written (``kfold/fold-3`` of three folds, numbered from 0) was "no such folder
... (did you mean 'kfold/fold-2'?)", without saying how the folds are numbered."""

from __future__ import annotations

import pytest

from recstack.config import parse_experiment
from recstack.errors import ConfigError


def _experiment(split):
    return {"data": {"split": split}, "models": [{"type": "most_popular"}]}


@pytest.fixture
def folds(tmp_path):
    for number in range(3):
        (tmp_path / "kfold" / f"fold-{number}").mkdir(parents=True)
    return tmp_path


@pytest.mark.parametrize("name", ["fold-3", "fold-7", "fold-1x", "fold-"])
def test_a_fold_past_the_folds_written_names_the_folds_there_are(folds, name):
    with pytest.raises(ConfigError, match=(
            rf"^exp.toml: \[data\] split = \"kfold/{name}\": no such fold; .*kfold holds 3 "
            r"folds written by `recstack data split --method kfold`, fold-0 to fold-2 "
            r"\(numbered from 0\); name one of them, e.g. split = \"kfold/fold-0\"")):
        parse_experiment(_experiment(f"kfold/{name}"), source="exp.toml", base=folds)


def test_another_missing_name_keeps_its_near_miss(folds):
    with pytest.raises(ConfigError, match=r"no such folder .*did you mean 'kfold/fold-1'"):
        parse_experiment(_experiment("kfold/fld-1"), source="exp.toml", base=folds)
