"""Sixth probe, k-fold: a fold whose test rows would all be set apart is refused when the
split is asked for, before the first fold runs (it failed after the folds before it)."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import kfold_split
from recstack.errors import EmptyResultError


def test_a_fold_of_only_repeated_pairs_is_refused_before_the_first_fold():
    # items 1..4 are rated once and user 0 rated item 0 twice: fold 0 gets one row of that
    # pair (the other fold holds it too) and two of the single items (no other fold has)
    data = Interactions.from_arrays([0, 0, 1, 1, 2, 2], [0, 0, 1, 2, 3, 4], duplicates="keep")
    with pytest.raises(EmptyResultError, match=r"kfold: k = 2 folds, but fold 0 would keep "
                                               r"no test rows: its 3 rows would all be set "
                                               r"apart \(2 rows of items in no other fold; "
                                               r"1 row repeating a \(user, item\) pair of "
                                               r"another fold\)"):
        kfold_split(data, 2, stratify=None, seed=0)


def test_the_refusal_comes_with_the_call_not_with_a_later_fold():
    rng = np.random.default_rng(0)
    data = Interactions.from_arrays(rng.integers(0, 20, 200), rng.integers(0, 30, 200),
                                    duplicates="keep")
    # 150 folds of one or two rows: fold 21 held only pairs repeated in other folds, and
    # its split failed after 21 folds had been handed out (and, in a run, trained)
    with pytest.raises(EmptyResultError, match=r"fold 21 would keep no test rows: its 2 rows "
                                               r"would all be set apart \(2 rows repeating a "
                                               r"\(user, item\) pair of another fold\)"):
        kfold_split(data, 150, stratify=None, seed=0)
