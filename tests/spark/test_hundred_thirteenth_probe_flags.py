"""Hundred-thirteenth bad-input probe of the Spark path's true/false arguments.

``k_core(..., refuse_empty=None)`` (or ``0``, ``"no"``) was read by its truth: ``None``
returned an empty result without a word, ``"no"`` refused it. It takes True or False only
now, as every other flag of the Spark path does (``write_parquet(overwrite=...)``)."""

from __future__ import annotations

import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, EmptyResultError

DATA = Interactions.from_arrays([1, 1, 2, 3], [1, 2, 2, 3])


@pytest.mark.parametrize("flag", [None, 0, 1, "no", "false"])
def test_k_core_takes_true_or_false_only(spark, flag):
    from recstack.spark import data as sd

    with pytest.raises(ConfigError, match=r"k_core: refuse_empty must be True or False, got "
                                          + repr(flag)):
        sd.k_core(sd.from_interactions(spark, DATA), 3, 3, refuse_empty=flag)


def test_the_real_flags_still_work(spark):
    from recstack.spark import data as sd

    with pytest.raises(EmptyResultError):
        sd.k_core(sd.from_interactions(spark, DATA), 3, 3, refuse_empty=True)
    kept, step = sd.k_core(sd.from_interactions(spark, DATA), 3, 3, refuse_empty=False)
    assert kept.frame.count() == 0


def test_a_k_core_emptied_over_several_passes_says_so_like_one_machine(spark):
    """Each pass leaves rows until the third: both backends name the passes alike."""
    from recstack.data import filters as local_filters
    from recstack.spark import data as sd
    from recstack.spark import filters as sf

    chain = Interactions.from_arrays([1, 1, 2, 2, 3], ["a", "b", "b", "c", "c"])
    with pytest.raises(EmptyResultError) as single:
        local_filters.apply_filters(chain, [local_filters.KCore(2, 2)])
    with pytest.raises(EmptyResultError) as spread:
        sf.apply_filters(sd.from_interactions(spark, chain), [local_filters.KCore(2, 2)])
    assert str(spread.value) == str(single.value)
    assert "after pass 3" in str(spread.value)
    with pytest.raises(EmptyResultError) as alone:
        sd.k_core(sd.from_interactions(spark, chain), 2, 2)
    assert "after pass 3: pass 1 removed 1 user(s) and 1 item(s), 3 row(s) left" \
        in str(alone.value)
    why = sd.why_nothing_is_left(local_filters.KCore(2, 2), sd.from_interactions(spark, chain))
    assert why in str(single.value)  # the passes recomputed when not given
