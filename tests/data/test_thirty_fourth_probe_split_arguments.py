"""Thirty-fourth probe, arguments a split function cannot take: a misspelt keyword
(``random_split(data, sed=1)``, ``temporal_split(data, frac=0.2)``), a keyword-only one
given by position, one given twice or missing got Python's own TypeError, which named
neither what the function takes nor the near name. Now a ConfigError names the function,
the argument and what would be right; a misspelt ``stratify`` gets the near name too."""

import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import (
    kfold_split,
    leave_last_out,
    random_split,
    temporal_split,
    user_split,
)
from recstack.errors import ConfigError


@pytest.fixture
def data():
    users = [1, 1, 1, 2, 2, 2, 3, 3, 3]
    items = [10, 20, 30, 10, 20, 30, 10, 20, 30]
    return Interactions.from_arrays(users, items, timestamps=list(range(100, 109)))


def test_a_misspelt_keyword_names_the_function_and_the_near_name(data):
    with pytest.raises(ConfigError, match=r"^random_split\(\) has no argument 'sed' \(did you "
                                          r"mean 'seed'\?\); it takes random_split\(data, "
                                          r"test_fraction, \*, seed=\.\.\.\)$"):
        random_split(data, sed=1)
    # 'frac' is part of test_fraction, far from it by letters
    with pytest.raises(ConfigError, match=r"^temporal_split\(\) has no argument 'frac' \(did "
                                          r"you mean 'test_fraction'\?\)"):
        temporal_split(data, frac=0.2)
    with pytest.raises(ConfigError, match=r"^leave_last_out\(\) has no argument 'N' \(did you "
                                          r"mean 'n'\?\); it takes leave_last_out\(data, n\)$"):
        leave_last_out(data, N=2)
    with pytest.raises(ConfigError, match=r"^user_split\(\) has no argument 'fold_in' \(did "
                                          r"you mean 'fold_in_fraction'\?\)"):
        user_split(data, fold_in=0.5)


def test_other_libraries_names_point_to_ours(data):
    with pytest.raises(ConfigError, match=r"^kfold_split\(\) has no argument 'n_splits' \(did "
                                          r"you mean 'k'\?\)"):
        kfold_split(data, n_splits=3)
    with pytest.raises(ConfigError, match=r"^random_split\(\) has no argument 'random_state' "
                                          r"\(did you mean 'seed'\?\)"):
        random_split(data, random_state=0)


def test_positional_doubled_and_missing_arguments_are_named(data):
    with pytest.raises(ConfigError, match=r"^random_split\(\) takes at most 2 positional "
                                          r"argument\(s\) \(data, test_fraction\), got 3; give "
                                          r"seed by keyword"):
        random_split(data, 0.2, 1)
    with pytest.raises(ConfigError, match=r"^random_split\(\) got test_fraction twice"):
        random_split(data, 0.2, test_fraction=0.3)
    with pytest.raises(ConfigError, match=r"^kfold_split\(\): missing 'data'; it takes "
                                          r"kfold_split\(data, k, \*, stratify=\.\.\., "
                                          r"seed=\.\.\.\)$"):
        kfold_split(k=2)


def test_a_misspelt_stratify_gets_the_near_name(data):
    with pytest.raises(ConfigError, match=r"stratify must be 'user' or None, got 'users' "
                                          r"\(did you mean 'user'\?\)$"):
        kfold_split(data, 3, stratify="users")


def test_right_calls_still_split(data):
    # the checked call passes every argument on as given
    split = random_split(data, 0.34, seed=3)
    assert split.report.params == {"test_fraction": 0.34, "seed": 3}
    assert len(list(kfold_split(data, k=3, stratify=None, seed=1))) == 3
