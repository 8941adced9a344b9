import numpy as np
import pytest
from hypothesis import given, settings

from recstack.data.filters import (
    Deduplicate,
    KCore,
    MinValue,
    TimeWindow,
    apply_filters,
    k_core,
    to_unix_seconds,
)
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, EmptyResultError

from .strategies import interactions


def chain_data() -> Interactions:
    # A chain where removing one weak item makes a user weak: one pass is not enough.
    # users a,b,c each rate items so that c depends on item z (rated only by c and b).
    users = ["a", "a", "b", "b", "b", "c", "c"]
    items = ["x", "y", "x", "y", "z", "x", "w"]
    return Interactions.from_arrays(users, items)


def test_k_core_iterates_to_a_fixed_point_worked_by_hand():
    # item_min=2: items w and z (1 row each) go in round 1; then user c has 1 row
    # (< user_min=2) and goes in round 2; x keeps a and b, y keeps a and b.
    data, step = KCore(user_min=2, item_min=2).apply(chain_data())
    assert sorted(data.users.external_ids.tolist()) == ["a", "b"]
    assert sorted(data.items.external_ids.tolist()) == ["x", "y"]
    assert len(data) == 4
    rounds = step.details["rounds"]
    assert [(r.users_removed, r.items_removed, r.rows_removed) for r in rounds] == [
        (0, 2, 2), (1, 0, 1)]
    assert step.rows_before == 7 and step.rows_after == 4


@settings(max_examples=150, deadline=None)
@given(interactions(), )
def test_k_core_result_is_a_fixed_point(data):
    try:
        result = k_core(data, 3, 2)
    except EmptyResultError:
        return
    if len(result) == 0:
        return
    assert result.user_counts().min() >= 3
    assert result.item_counts().min() >= 2
    again, step = KCore(3, 2).apply(result)
    assert len(again) == len(result) and step.details["rounds"] == []


@settings(max_examples=100, deadline=None)
@given(interactions())
def test_k_core_keeps_every_row_of_a_valid_core(data):
    # maximality: rows whose user and item both survive are all kept
    result, _ = KCore(2, 2).apply(data)
    kept_users = set(result.users.external_ids.tolist())
    kept_items = set(result.items.external_ids.tolist())
    frame = data.to_frame()
    expected = frame[frame.user_id.isin(kept_users) & frame.item_id.isin(kept_items)]
    assert len(expected) == len(result)


def test_k_core_that_leaves_nothing_is_refused_saying_why():
    # it returned empty data without a word; the filter list refused, the shorthand did not
    data = chain_data()  # the most rows: user b 3, item x 3
    with pytest.raises(EmptyResultError, match=r"k_core\(user_min=4, item_min=1\), removed "
                       r"all 7 remaining rows \(before it, the most rows of one user were 3 "
                       r"and of one item 3;"):
        k_core(data, user_min=4, item_min=1)
    assert len(k_core(data, 2, 2)) == 4


def test_min_value_and_time_window():
    data = Interactions.from_arrays([1, 1, 2, 2], [1, 2, 1, 3], [5, 3, 4, 1],
                                    [0, 86_400, 2 * 86_400, 3 * 86_400])
    kept, step = MinValue(4).apply(data)
    assert sorted(kept.value.tolist()) == [4.0, 5.0]
    assert kept.n_items == 1  # items 2 and 3 have no rows left, so they are compacted away
    assert step.rows_before - step.rows_after == 2
    window, _ = TimeWindow("1970-01-02", "1970-01-04").apply(data)
    assert sorted(window.timestamp.tolist()) == [86_400, 2 * 86_400]


def test_chain_names_the_step_that_emptied_the_data():
    data = Interactions.from_arrays([1, 2], [1, 2], [3, 4])
    with pytest.raises(EmptyResultError) as error:
        apply_filters(data, [Deduplicate("sum"), MinValue(5), KCore(1, 1)])
    message = str(error.value)
    assert "step 2 of 3" in message and "min_value(threshold=5)" in message


def test_chain_reports_each_step():
    data, steps = apply_filters(chain_data(), [Deduplicate("last"), KCore(2, 2)])
    assert [s.name for s in steps] == ["deduplicate(policy=last)", "k_core(user_min=2, item_min=2)"]
    assert "removed 3 rows, 1 user, 2 items" in str(steps[1])


def test_bad_parameters_are_refused():
    with pytest.raises(ConfigError, match="user_min"):
        KCore(user_min=0).apply(chain_data())
    with pytest.raises(ConfigError, match="policy"):
        Deduplicate("median").apply(chain_data())
    with pytest.raises(ConfigError, match="cannot read 'yesterday'"):
        to_unix_seconds("yesterday")


def test_to_unix_seconds():
    assert to_unix_seconds("1970-01-02") == 86_400
    assert to_unix_seconds("1970-01-01T01:00:00+01:00") == 0
    assert to_unix_seconds(np.int64(5)) == 5 and to_unix_seconds(None) is None


def test_every_filter_is_declared_once_with_documented_fields():
    from dataclasses import fields

    from recstack.data.filters import FILTERS

    assert FILTERS.names() == ["k_core", "min_value", "time_window", "deduplicate"]
    for name in FILTERS.names():
        spec_class = FILTERS.get(name)
        assert spec_class.__doc__ and spec_class.kind_name == name
        for spec_field in fields(spec_class):
            assert spec_field.metadata["recstack_option"].doc, (name, spec_field.name)


def test_filters_are_built_from_tables_with_the_key_in_each_message():
    from recstack.data.filters import FILTERS

    assert FILTERS.build("k_core", {"user_min": 3}) == KCore(3, 5)
    assert FILTERS.build("min_value", {"threshold": 4}).threshold == 4.0
    with pytest.raises(ConfigError, match=r"^f: unknown key 'usermin' for k_core \(did you "
                                          r"mean 'user_min'\?\)"):
        FILTERS.build("k_core", {"usermin": 3}, "f: ")
    with pytest.raises(ConfigError, match=r"^f: missing key 'threshold' for min_value"):
        FILTERS.build("min_value", {}, "f: ")
    with pytest.raises(ConfigError, match=r"^f: 'kcore' is not a known filter type \(did you "
                                          r"mean 'k_core'\?\)"):
        FILTERS.build("kcore", {}, "f: ")
    with pytest.raises(ConfigError, match="start .* must come before end"):
        TimeWindow("2021-01-01", "2020-01-01")


@pytest.mark.parametrize("filters", [KCore(5, 5), "k_core", None])
def test_filters_must_be_a_list(filters):
    with pytest.raises(ConfigError, match="filters must be a list of filters"):
        apply_filters(chain_data(), filters)


def test_min_value_that_removes_everything_says_why():
    # it said only "removed all 3 remaining rows", also when the ratings were never read
    implicit = Interactions.from_arrays([1, 2, 3], [1, 1, 2])
    with pytest.raises(EmptyResultError, match=r"removed all 3 remaining rows \(every value "
                                               r"is 1\.0: the data are implicit .*--value-col\)"):
        apply_filters(implicit, [MinValue(4)])
    rated = Interactions.from_arrays([1, 2, 3], [1, 1, 2], [1.0, 2.5, 3.0],
                                     rating_range=(1, 5))
    with pytest.raises(EmptyResultError, match=r"removed all 3 remaining rows \(the largest "
                                               r"value is 3\); loosen it"):
        apply_filters(rated, [MinValue(4)])


@pytest.mark.parametrize("moment", [True, np.bool_(False)])
def test_a_boolean_is_not_read_as_seconds(moment):
    # bool is an int to Python: to_unix_seconds(True) was 1 s past 1970 (TimeWindow's own
    # fields refuse it earlier; other callers of to_unix_seconds did not)
    with pytest.raises(ConfigError, match=r"start: expected Unix seconds or an ISO date .* "
                                          r"got the boolean"):
        to_unix_seconds(moment, "start")
    # TimeWindow's bounds are read by the same rule (its fields' type check said "start =
    # True: expected an integer or a string", naming none of the date types taken)
    with pytest.raises(ConfigError, match=r"start: expected Unix seconds or an ISO date .* "
                                          r"got the boolean True"):
        TimeWindow(start=True).apply(chain_data())
