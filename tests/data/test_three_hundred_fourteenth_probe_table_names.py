"""Three-hundred-fourteenth probe: ``save_table`` judged its path by its own "ends with
'/'" check only, so the names every other file writer refuses
(:func:`recstack.atomic.file_name_problem`) were written as another file or refused in
misleading words: ``"out/."`` was "out: is a folder", ``"a.parquet."`` "cannot tell which
format to write from the extension (none)", ``"~"`` likewise, and ``" a.csv"``,
``"out/.parquet"`` and ``".csv.gz"`` were written (a file whose name starts with a space,
hidden files). A new folder named with a space at either end (``write_partitioned(data,
"res ")``) was made beside ``res``. Each test failed before the fix."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from recstack.atomic import atomic_directory, file_name_problem
from recstack.data.files import load_table, save_table
from recstack.data.interactions import Interactions
from recstack.data.partitioned import write_partitioned
from recstack.errors import ConfigError, RecstackError


def _data():
    return Interactions.from_frame(pd.DataFrame({
        "user_id": ["a", "b"], "item_id": [1, 2], "value": [1.0, 2.0], "timestamp": [5, 6]}))


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    return tmp_path


@pytest.mark.parametrize(("given", "problem"), [
    (".", "is the working folder, but one table file is written here; give the file's "
          "name, e.g. ./interactions.parquet"),
    ("..", "is the folder above the working one, but one table file is written here; give "
           "the file's name, e.g. ../interactions.parquet"),
    ("out/.", "ends with '/.', so it names a folder, but one table file is written here; "
              "give the file's name, e.g. out/interactions.parquet"),
    ("out/..", "ends with '/..', so it names a folder, but one table file is written here; "
               "give the file's name, e.g. ./interactions.parquet"),
    ("out/", "ends with '/', so it names a folder, but one table file is written here; "
             "give the file's name, e.g. out/interactions.parquet"),
    ("~", "names a home folder, but one table file is written here; give the file's name, "
          "e.g. ~/interactions.parquet"),
    ("...", "is no file name (only dots and spaces), but one table file is written here; "
            "give the file's name, e.g. interactions.parquet"),
    (". .", "is no file name (only dots and spaces), but one table file is written here; "
            "give the file's name, e.g. interactions.parquet"),
    ("x.parquet.", "ends with a dot, which makes it another file than 'x.parquet'; write "
                   "it without: 'x.parquet'"),
    ("out/a.csv..", "ends with a dot, which makes it another file than 'out/a.csv'; write "
                    "it without: 'out/a.csv'"),
    ("a.csv.gz.", "ends with a dot, which makes it another file than 'a.csv.gz'; write it "
                  "without: 'a.csv.gz'"),
    ("a.tsv ", "ends with a space, which makes it another file than 'a.tsv'; write it "
               "without: 'a.tsv'"),
    ("a.csv\u00a0", "ends with the blank '\\xa0', which makes it another file than "
                    "'a.csv'; write it without: 'a.csv'"),
    (" a.csv", "starts with a space, which makes it another file than 'a.csv'; write it "
               "without: 'a.csv'"),
    ("out/ a.parquet", "starts with a space, which makes it another file than "
                       "'out/a.parquet'; write it without: 'out/a.parquet'"),
    (".parquet", "is only an extension, with no name before it (it would be a hidden file "
                 "named '.parquet'); give the file's name, e.g. interactions.parquet"),
    ("out/.csv", "is only an extension, with no name before it (it would be a hidden file "
                 "named '.csv'); give the file's name, e.g. out/interactions.csv"),
    (".csv.gz", "is only an extension, with no name before it (it would be a hidden file "
                "named '.csv.gz'); give the file's name, e.g. interactions.csv.gz"),
    # the name suggested is one save_table writes: "interactions.txt" would be refused next
    (".txt", "is only an extension, with no name before it (it would be a hidden file "
             "named '.txt'); give the file's name, e.g. interactions.parquet"),
    (".CSV", "is only an extension, with no name before it (it would be a hidden file "
             "named '.CSV'); give the file's name, e.g. interactions.csv"),
])
def test_a_path_naming_no_table_file_is_refused_naming_the_file_meant(here, given, problem):
    before = _tree(here)
    with pytest.raises(ConfigError) as caught:
        save_table(_data(), given, overwrite=True)
    assert str(caught.value) == f"save_table: {given!r} {problem}"
    assert _tree(here) == before  # nothing written, no folder made


def test_the_suggested_name_is_written_and_read_back(here):
    # the names the refusals above suggest are ones save_table writes
    for name in ["out/interactions.parquet", "out/interactions.csv", "interactions.csv.gz"]:
        written = save_table(_data(), name)
        back = load_table(written)
        assert back.users.to_external(back.user_index).tolist() == ["a", "b"]
        assert back.value.tolist() == [1.0, 2.0]


def test_names_that_are_fine_are_written_as_given(here):
    # a space inside a name, a dot inside it, names of dots before the extension
    for name in ["a b.csv", "v1.2.parquet", "..parquet", ".hidden.csv"]:
        assert save_table(_data(), name) == Path(name)
        assert (here / name).is_file()


def test_a_pathlib_path_is_judged_by_its_text(here):
    with pytest.raises(ConfigError, match=r"^save_table: 'b\.csv\.' ends with a dot"):
        save_table(_data(), Path("b.csv."))
    assert not (here / "b.csv.").exists()


def test_the_suffix_of_the_name_suggested_is_one_the_writer_takes():
    # checked_output and save_table pass the suffixes they write; the CLI's file options
    # without suffixes keep the name's own extension
    assert file_name_problem(".txt", "report.html", "an HTML page", (".html",)).endswith(
        "e.g. report.html")
    assert file_name_problem(".HTML", "report.html", "an HTML page", (".html",)).endswith(
        "e.g. report.html")
    assert file_name_problem(".txt", "notes.csv").endswith("e.g. notes.txt")


@pytest.mark.parametrize(("given", "end"), [
    ("res ", "'res ' ends with a space, which makes it another folder than 'res'; write it "
             "without: 'res'"),
    (" res", "' res' starts with a space, which makes it another folder than 'res'; write "
             "it without: 'res'"),
    ("res\u00a0", "'res\\xa0' ends with the blank '\\xa0', which makes it another folder "
                  "than 'res'; write it without: 'res'"),
])
def test_a_new_folder_padded_with_a_space_is_refused(here, given, end):
    before = _tree(here)
    with pytest.raises(RecstackError) as caught:
        write_partitioned(_data(), given)
    assert str(caught.value) == end
    with pytest.raises(RecstackError) as caught, atomic_directory(given, overwrite=False):
        pass
    assert str(caught.value) == end
    assert _tree(here) == before


def test_an_existing_folder_so_named_is_still_replaced(here):
    (here / "old ").mkdir()
    with atomic_directory(here / "old ", overwrite=True) as staging:
        (staging / "x.txt").write_text("1\n")
    assert (here / "old " / "x.txt").read_text() == "1\n"
