"""Messages of the data layer: derived counts written sanely, lists of accepted values
that match what is accepted, bounds beyond the calendar refused by name, files of another
MovieLens release named as such, adjacency files with a header or commas, empty stats."""

from __future__ import annotations

import re
import typing
import warnings
from pathlib import Path

import numpy as np
import pytest

from recstack.data import filters
from recstack.data.adjacency import load_adjacency_splits
from recstack.data.files import check_timestamp_options
from recstack.data.filters import Deduplicate, MinValue, TimeWindow, apply_filters
from recstack.data.interactions import (
    DUPLICATE_POLICIES,
    Interactions,
    ThresholdKeepsEveryRowWarning,
)
from recstack.data.movielens import load_movielens
from recstack.data.partitioned import write_partitioned
from recstack.data.splits import random_split, temporal_split
from recstack.data.stats import describe
from recstack.errors import ConfigError, DataFormatError, EmptyResultError, RecstackError

# 3 users x 4 rows, ratings 1..4, one row a day from 2020-01-01
_N = 12
_DATA = Interactions.from_arrays(np.arange(_N) // 4, np.arange(_N) % 6,
                                 (1 + np.arange(_N) % 4).astype(float),
                                 1577836800 + 86400 * np.arange(_N))


@pytest.mark.parametrize("fraction", [1e-300, 1e-20])
def test_a_tiny_test_fraction_says_the_rows_needed_roughly(fraction):
    with pytest.raises(EmptyResultError) as caught:
        random_split(_DATA, fraction)
    message = str(caught.value)
    assert not re.search(r"\d{17,}|(\d{1,3},){6,}", message), message  # no 300-digit count
    assert f"{0.5 / fraction:.1e}" in message
    # each user has 4 rows: round(f x 4) >= 1 needs f >= 0.5 / 4 = 0.125
    assert "raise test_fraction to at least 0.125" in message


def test_a_small_count_is_still_written_out():
    # round half up: 0.01 x 50 = 0.5 is the first product that rounds to one test row
    with pytest.raises(EmptyResultError, match=r"at least 50 rows for one test row"):
        random_split(_DATA, 0.01)


def test_the_deduplicate_filter_lists_only_the_policies_it_accepts():
    accepted = [p for p in DUPLICATE_POLICIES if p != "keep"]
    with pytest.raises(ConfigError) as caught:
        Deduplicate("lst")
    message = str(caught.value)
    assert "'keep'" not in message and "did you mean 'last'" in message
    assert all(repr(p) in message for p in accepted)
    with pytest.raises(ConfigError, match="drop the filter"):
        Deduplicate("keep")
    for policy in accepted:  # every policy listed is accepted
        assert Deduplicate(policy).policy == policy
    assert set(typing.get_args(filters.FilterDuplicatePolicy)) == set(accepted)


def test_misspelt_policies_and_units_get_a_suggestion():
    with pytest.raises(RecstackError, match="did you mean 'mean'"):
        _DATA.deduplicate("maen")
    with pytest.raises(RecstackError, match="did you mean 'ms'"):
        check_timestamp_options(None, "mss")


def test_a_misspelt_partition_level_gets_a_suggestion(tmp_path):
    with pytest.raises(RecstackError, match="'mnth' is no level \\(did you mean 'month'\\?\\)"):
        write_partitioned(_DATA, tmp_path / "log", partitioning=("year", "mnth"))
    assert not (tmp_path / "log").exists()


@pytest.mark.parametrize("cutoff, beyond", [(10**30, "after the year 9999"),
                                            (-10**30, "before the year 1")])
def test_a_cutoff_beyond_the_calendar_is_refused_by_name(cutoff, beyond):
    with pytest.raises(ConfigError, match=f"cutoff={cutoff} is {beyond}"):
        temporal_split(_DATA, cutoff)


@pytest.mark.parametrize("bounds, named", [
    ({"start": 10**30}, "start=1000000000000000000000000000000 is after the year 5000"),
    ({"end": -10**30}, "end=-1000000000000000000000000000000 is before the year 1")])
def test_a_time_window_bound_beyond_the_calendar_is_named(bounds, named):
    # "between: start (...) is after end (9223372036854775807)" named an end never given
    with pytest.raises(EmptyResultError, match=re.escape(named)) as caught:
        apply_filters(_DATA, [TimeWindow(**bounds)])
    assert "9223372036854775807" not in str(caught.value)


def test_a_time_window_bound_beyond_the_calendar_on_the_far_side_bounds_nothing():
    # an end past the calendar bounds nothing: every row is kept
    kept, _ = apply_filters(_DATA, [TimeWindow(start="2020-01-05", end=10**30)])
    assert len(kept) == _N - 4


def test_a_threshold_beyond_float32_filters_without_numpy_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "overflow encountered in cast"
        with pytest.raises(EmptyResultError, match="the largest value is 4"):
            apply_filters(_DATA, [MinValue(1e300)])
        # a threshold below every value keeps every row, as recstack's own warning says
        # (numpy's warnings would still fail the test: pytest.warns re-raises others)
        with pytest.warns(ThresholdKeepsEveryRowWarning, match="keeps every row"):
            kept, _ = apply_filters(_DATA, [MinValue(-1e300)])
    assert len(kept) == _N
    # within float32's range the values are compared as float32: 3.6 keeps float32(3.6)
    values = Interactions.from_arrays([1, 2, 3], [1, 1, 2], [3.6, 3.5, 4.0])
    assert len(apply_filters(values, [MinValue(3.6)])[0]) == 2


def _folder(path: Path, files: dict[str, str]) -> Path:
    path.mkdir(parents=True)
    for name, text in files.items():
        (path / name).write_text(text)
    return path


def test_a_ratings_file_of_another_release_is_named(tmp_path):
    # 100K's tab-separated u.data renamed ratings.dat in a 1M folder
    folder = _folder(tmp_path / "ml-1m", {"ratings.dat": "1\t10\t4\t978300760\n",
                                          "movies.dat": "10::Film (1995)::Drama\n"})
    with pytest.raises(DataFormatError) as caught:
        load_movielens(folder)
    assert caught.value.line == 1 and caught.value.file.endswith("ratings.dat")
    assert "separated by tabs, as 100K's u.data is written" in str(caught.value)
    # the CSV releases' ratings.csv renamed u.data in a 100K folder
    folder = _folder(tmp_path / "ml-100k", {"u.data": "1,10,4.0,978300760\n",
                                            "u.item": "10|Film (1995)|||x" + "|0" * 19 + "\n"})
    with pytest.raises(DataFormatError, match="separated by commas, as the ratings.csv"):
        load_movielens(folder)


_R1M = "1::10::4::978300760\n"
_M1M = "10::Film (1995)::Drama\n"
_U_ITEM = "10|Film (1995)|01-Jan-1995||x" + "|0" * 19 + "\n"  # 5 fields + 19 genre flags


@pytest.mark.parametrize("name, files, wrong, said", [
    ("ml-1m", {"ratings.dat": _R1M, "movies.dat": "movieId,title,genres\n10,Film,Drama\n"},
     "movies.dat", "3 fields separated by commas, as the movies.csv of 20M and later"),
    ("ml-1m", {"ratings.dat": _R1M, "movies.dat": _U_ITEM},
     "movies.dat", "24 fields separated by '|', as 100K's u.item"),
    ("ml-1m", {"ratings.dat": _R1M, "movies.dat": _M1M, "users.dat": "1|24|M|other|85711\n"},
     "users.dat", "5 fields separated by '|', as 100K's u.user"),
    ("ml-latest-small", {"ratings.csv": "userId,movieId,rating,timestamp\n1,10,4.0,1\n",
                         "movies.csv": _M1M},
     "movies.csv", "3 fields separated by '::', as 1M's or 10M's movies.dat"),
    ("ml-100k", {"u.data": "1::10::4::978300760\n", "u.item": _U_ITEM},
     "u.data", "4 fields separated by '::', as 1M's or 10M's ratings.dat")])
def test_a_side_file_of_another_release_is_named(tmp_path, name, files, wrong, said):
    folder = _folder(tmp_path / name, files)
    with pytest.raises(DataFormatError) as caught:
        load_movielens(folder)
    assert caught.value.line == 1 and caught.value.file == str(folder / wrong)
    assert said in str(caught.value) and "the file is of another release" in str(caught.value)


def test_a_variant_that_does_not_match_the_folder_names_the_one_it_holds(tmp_path):
    folder = _folder(tmp_path / "ml-latest-small",
                     {"ratings.csv": "userId,movieId,rating,timestamp\n1,10,4.0,978300760\n",
                      "movies.csv": "movieId,title,genres\n10,Film (1995),Drama\n"})
    with pytest.raises(DataFormatError, match="u.data is missing; the folder holds "
                       "ratings.csv, the ratings of MovieLens LATEST-SMALL: leave variant "
                       "out, or give variant='latest-small'"):
        load_movielens(folder, "100k")


@pytest.mark.parametrize("first_line, hint", [
    ("user items", "looks like a header"), ("uid iid", "looks like a header"),
    ("0,1,2", "separated by spaces, not commas")])
def test_an_adjacency_header_or_comma_line_is_explained(tmp_path, first_line, hint):
    (tmp_path / "train.txt").write_text(f"{first_line}\n1 0 2\n")
    (tmp_path / "test.txt").write_text("1 1\n")
    with pytest.raises(DataFormatError, match=hint) as caught:
        load_adjacency_splits(tmp_path)
    assert caught.value.line == 1


def test_stats_of_no_rows_say_so():
    text = str(describe(_DATA.select(np.zeros(_N, bool)).compact()))
    assert not any(line != line.rstrip() for line in text.splitlines())  # no dangling blanks
    assert "rows per user  (no rows)" in text and "rows per item  (no rows)" in text
    assert re.search(r"^(ratings|values) +\(no rows\)$", text, re.MULTILINE)
