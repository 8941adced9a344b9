"""Two-hundred-sixty-second probe: ``sum`` on explicit ratings.

``deduplicate("sum")`` (and ``duplicates="sum"`` of the loaders, the ``deduplicate``
filter) added two ratings of one pair into 9 stars on a 1-to-5 scale without a word, and
the data still claimed the scale. ``sum`` is for implicit counts: on ratings it is refused,
naming the rating range, a repeated pair and the policies that keep the scale."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.files import load_table
from recstack.data.filters import Deduplicate, apply_filters
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError

KEEP_THE_SCALE = "choose 'mean', 'max', 'first' or 'last', which keep the scale"


def _ratings(**options):
    # user 1 rated item 7 twice (5 then 4, by time), user 2 item 8 once
    return Interactions.from_arrays([1, 1, 2], [7, 7, 8], [5.0, 4.0, 3.0], [10, 20, 30],
                                    rating_range=(1, 5), **options)


def test_from_arrays_refuses_summed_ratings_naming_the_pair_and_the_scale():
    with pytest.raises(ConfigError) as error:
        _ratings(duplicates="sum")
    message = str(error.value)
    assert message == (
        "duplicate policy 'sum' adds up the values of a repeated (user, item) pair, but these "
        "are explicit ratings, rating_range = (1, 5) (1 repeated row, e.g. user 1 and item 7 "
        "in rows 1 and 2): two ratings of 5 would make 10, outside the scale; "
        + KEEP_THE_SCALE + ", or make the data implicit first to sum counts "
        "(data.implicit(), or load it without rating_range)")


def test_every_path_that_deduplicates_refuses_it():
    data = _ratings()
    with pytest.raises(ConfigError, match="duplicate policy 'sum'.*rating_range = \\(1, 5\\)"):
        data.deduplicate("sum")
    with pytest.raises(ConfigError, match=KEEP_THE_SCALE):
        apply_filters(data, [Deduplicate("sum")])
    # a policy of another type (numpy text) is the same policy
    with pytest.raises(ConfigError, match="duplicate policy 'sum'"):
        data.deduplicate(np.str_("sum"))


def test_a_file_read_with_a_rating_range_refuses_it(tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_text("user_id,item_id,rating\n1,7,5\n1,7,4\n2,8,3\n")
    with pytest.raises(ConfigError, match=r"rating_range = \(1\.0, 5\.0\) \(1 repeated row, "
                                          r"e\.g\. user 1 and item 7 in rows 1 and 2\)"):
        load_table(path, value_col="rating", rating_range=(1, 5), duplicates="sum")
    # read without a rating range the values are counts, and they sum: 5 + 4 = 9
    data = load_table(path, value_col="rating", duplicates="sum")
    assert data.value.tolist() == [9.0, 3.0] and data.rating_range is None


def test_it_is_refused_even_where_no_pair_repeats():
    # the setting, not the data, is wrong: it must not pass on data with no repeats and
    # fail on the next file that has one
    once = Interactions.from_arrays([1, 2], [7, 8], [5.0, 3.0], rating_range=(0.5, 10))
    with pytest.raises(ConfigError) as error:
        once.deduplicate("sum")
    assert "rating_range = (0.5, 10): two ratings of 10 would make 20, outside" in str(
        error.value)
    assert "repeated row" not in str(error.value)


def test_the_policies_that_keep_the_scale_still_work_worked_by_hand():
    assert _ratings(duplicates="mean").value.tolist() == [4.5, 3.0]  # (5 + 4) / 2
    assert _ratings(duplicates="max").value.tolist() == [5.0, 3.0]
    assert _ratings(duplicates="first").value.tolist() == [5.0, 3.0]  # t=10
    assert _ratings(duplicates="last").value.tolist() == [4.0, 3.0]  # t=20
    # implicit counts sum, as before; and implicit() first makes ratings sum as ones
    counts = Interactions.from_arrays([1, 1, 2], [7, 7, 8], [5.0, 4.0, 3.0],
                                      duplicates="sum")
    assert counts.value.tolist() == [9.0, 3.0]
    assert _ratings().implicit().deduplicate("sum").value.tolist() == [2.0, 1.0]
