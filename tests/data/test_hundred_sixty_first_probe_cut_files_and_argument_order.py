"""Hundred-sixty-first probe, data files and arguments:

- a ratings file cut short inside the time of its last line (a download or copy that
  stopped: ``2::1::4::97``) was read as a rating of 1970, 97 seconds in, without a word,
  by load_movielens (every layout) and load_table; it is refused naming the file, the
  line and the column;
- read_partitioned and partition_files looked at the folder before their arguments, so a
  start after end (or a progress that is no reporter) was hidden behind the folder's
  refusal; write_partitioned refused progress=True only after making root's parents;
- IdMap.to_index given a ragged nested list was numpy's "inhomogeneous shape" ValueError,
  and a ``what`` that is no text made the refusal "1 unknown None".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.files import load_table
from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions
from recstack.data.movielens import load_movielens
from recstack.data.partitioned import partition_files, read_partitioned, write_partitioned
from recstack.errors import ConfigError, DataFormatError

_U_ITEM = ("1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
           "2|GoldenEye (1995)|01-Jan-1995||http://x|0|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0|1|0|0\n")


def _ml_100k(folder, ratings):
    folder.mkdir()
    (folder / "u.item").write_text(_U_ITEM, encoding="latin-1")
    (folder / "u.data").write_text(ratings)
    return folder


def _ml_1m(folder, ratings):
    folder.mkdir()
    (folder / "movies.dat").write_text("1::Toy Story (1995)::Animation\n"
                                       "2::Jumanji (1995)::Adventure\n")
    (folder / "ratings.dat").write_text(ratings)
    return folder


def _ml_small(folder, ratings):
    folder.mkdir()
    (folder / "movies.csv").write_text("movieId,title,genres\n1,Toy Story (1995),Animation\n"
                                       "3,Grumpier Old Men (1995),Comedy\n")
    (folder / "ratings.csv").write_text("userId,movieId,rating,timestamp\n" + ratings)
    return folder


@pytest.mark.parametrize(("make", "name", "ratings", "where"), [
    (_ml_100k, "ml-100k", "1\t1\t5\t874965758\n1\t2\t3\t876893171\n2\t1\t4\t8789",
     r"u\.data:3: column 'timestamp': found '8789'"),
    (_ml_1m, "ml-1m", "1::1::5::978300760\n1::2::3::978302109\n2::1::4::97",
     r"ratings\.dat:3: column 'Timestamp': found '97'"),
    (_ml_small, "ml-latest-small", "1,1,4.0,964982703\n1,3,4.0,964981247\n2,1,3.5,96",
     r"ratings\.csv:4: column 'timestamp': found '96'"),
])
def test_a_movielens_file_cut_inside_its_last_time_is_refused(tmp_path, make, name, ratings,
                                                              where):
    folder = make(tmp_path / name, ratings)
    with pytest.raises(DataFormatError, match=where + r" on the last line, which ends without "
                                                      r"a line end .*\(9 or more\): the file "
                                                      r"seems cut short"):
        load_movielens(folder)


def test_the_advice_names_the_release_to_fetch(tmp_path):
    folder = _ml_1m(tmp_path / "ml-1m", "1::1::5::978300760\n2::1::4::9")
    with pytest.raises(DataFormatError, match=r"recstack data fetch movielens-1m\), or end "
                                              r"the line with a line break"):
        load_movielens(folder)


@pytest.mark.parametrize("ending", ["\n", ""])
def test_a_whole_last_line_is_read_with_or_without_its_line_end(tmp_path, ending):
    # a last line without its line end, whose time is as long as the others', is whole
    folder = _ml_1m(tmp_path / "ml-1m",
                    "1::1::5::978300760\n1::2::3::978302109\n2::1::4::978300761" + ending)
    assert load_movielens(folder).timestamp.tolist() == [978300760, 978302109, 978300761]


def test_a_short_time_on_a_line_that_ends_is_read(tmp_path):
    # the line end says the line is whole: the short time is the file's, not a cut
    folder = _ml_1m(tmp_path / "ml-1m", "1::1::5::978300760\n2::1::4::97\n")
    assert load_movielens(folder).timestamp.tolist() == [978300760, 97]


def test_load_table_refuses_a_log_cut_inside_its_last_time(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,value,timestamp\n1,2,3,1600000000\n2,3,4,16")
    with pytest.raises(DataFormatError, match=r"log\.csv:3: column 'timestamp': found '16' on "
                                              r"the last line, .*\(10 or more\): the file "
                                              r"seems cut short"):
        load_table(path)


def test_load_table_reads_a_whole_last_line_without_its_line_end(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,value,timestamp\n1,2,3,1600000000\n2,3,4,1600000001")
    assert load_table(path).timestamp.tolist() == [1600000000, 1600000001]


def test_load_table_looks_only_at_a_time_that_ends_the_line(tmp_path):
    # the value 5 ends the last line: a short value is no sign of a cut
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,timestamp,value\n1,2,1600000000,30\n2,3,1600000001,5")
    data = load_table(path)
    assert data.value.tolist() == [30.0, 5.0]


# ----------------------------------------------------------------- partitioned arguments
@pytest.fixture()
def a_file(tmp_path):
    path = tmp_path / "not_a_dataset.txt"
    path.write_text("x")
    return path


def test_read_partitioned_refuses_start_after_end_before_the_folder(a_file):
    with pytest.raises(ConfigError, match=r"start='2021' must come before end='2020'"):
        read_partitioned(a_file, start="2021", end="2020")


def test_partition_files_refuses_start_after_end_before_the_folder(a_file):
    with pytest.raises(ConfigError, match=r"start='2021' must come before end='2020'"):
        partition_files(a_file, start="2021", end="2020")


@pytest.mark.parametrize(("arguments", "message"), [
    ({"start": "garbage"}, r"start: cannot read 'garbage' as a time"),
    ({"columns": "value"}, r"columns must be a list of names such as \['value'\], not "
                          r"'value'"),
    ({"progress": True}, r"read_partitioned\(progress=\.\.\.\) takes a recstack\.progress "
                         r"reporter"),
])
def test_read_partitioned_checks_every_argument_before_the_folder(a_file, arguments,
                                                                  message):
    with pytest.raises(ConfigError, match=message):
        read_partitioned(a_file, **arguments)


def test_write_partitioned_refuses_a_progress_before_making_folders(tmp_path):
    data = Interactions.from_frame(pd.DataFrame({"user_id": [1, 2], "item_id": [1, 2],
                                                 "timestamp": [1_600_000_000,
                                                               1_600_000_001]}))
    root = tmp_path / "above" / "dataset"
    with pytest.raises(ConfigError, match=r"write_partitioned\(progress=\.\.\.\)"):
        write_partitioned(data, root, progress=True)
    assert not (tmp_path / "above").exists()


# ----------------------------------------------------------------- id lookups
@pytest.mark.parametrize("ids", [[[1], [2, 3]], [1, [2, 3]]])
def test_to_index_refuses_a_ragged_nesting_by_name(ids):
    with pytest.raises(DataFormatError, match=r"ids must be one id or a list of ids, got a "
                                              r"nested list of different lengths"):
        IdMap([1, 2, 3]).to_index(ids)


def test_to_index_still_reads_a_nested_list_of_one_shape():
    assert IdMap([1, 2, 3]).to_index([[1, 2], [3, 1]]).tolist() == [[0, 1], [2, 0]]


@pytest.mark.parametrize("what", [None, 5, "", "  "])
def test_to_index_refuses_a_what_that_names_nothing(what):
    with pytest.raises(ConfigError, match=r"to_index: what must name the ids in words"):
        IdMap([1, 2, 3]).to_index([9], what=what)


def test_to_index_names_the_ids_as_told():
    with pytest.raises(Exception, match=r"1 unknown user id \(of 1 looked up\), e\.g\. \[9\]"):
        IdMap(np.array([1, 2, 3])).to_index([9], what="user ids")


# ----------------------------------------------------------------- misspelt arguments
_DATA = Interactions.from_arrays([1, 1, 2], [1, 2, 1], values=[1.0, 4.0, 5.0],
                                 timestamps=[10, 20, 30])


@pytest.mark.parametrize(("call", "message"), [
    (lambda: _DATA.implicit(treshold=4),
     r"Interactions\.implicit\(\) has no argument 'treshold' \(did you mean 'threshold'\?\)"),
    (lambda: _DATA.implicit(4, 1, 2),
     r"Interactions\.implicit\(\) takes at most 2 positional argument\(s\) \(threshold, "
     r"alpha\), got 3"),
    (lambda: _DATA.between(10, 20, 30), r"Interactions\.between\(\) takes at most 2"),
    (lambda: _DATA.to_csr(dtyp=float), r"Interactions\.to_csr\(\) has no argument 'dtyp'"),
    (lambda: _DATA.deduplicate(polcy="last"),
     r"Interactions\.deduplicate\(\) has no argument 'polcy' \(did you mean 'policy'\?\)"),
    (lambda: _DATA.for_users(), r"Interactions\.for_users\(\): missing 'user_indices'"),
    (lambda: _DATA.users.to_index([1], mising="ignore"),
     r"IdMap\.to_index\(\) has no argument 'mising' \(did you mean 'missing'\?\)"),
    (lambda: _DATA.users.to_external(), r"IdMap\.to_external\(\): missing 'indices'"),
    (lambda: IdMap.encode([1], trim=True), r"IdMap\.encode\(\) has no argument 'trim'"),
    (lambda: IdMap.range(), r"IdMap\.range\(\): missing 'n'"),
])
def test_a_method_called_wrongly_is_refused_naming_what_it_takes(call, message):
    with pytest.raises(ConfigError, match=message):
        call()


def test_the_methods_still_work_when_called_rightly():
    assert _DATA.implicit(threshold=4).value.tolist() == [1.0, 1.0]
    assert _DATA.implicit(4, alpha=0.5).value.tolist() == [3.0, 3.5]  # 1 + 0.5 * value
    assert _DATA.between(10, 30).timestamp.tolist() == [10, 20]
    assert IdMap.encode([3, 1, 3])[1].tolist() == [1, 0, 1]  # the vocabulary is sorted: 1, 3
    assert IdMap.range(2).to_index([1], missing="ignore").tolist() == [1]
