"""Thirtieth probe, ``load_source`` given what a new user passes: a ``pathlib.Path``
(``load_source(Path("ratings.csv"))``), ``None`` or a number failed with
"AttributeError: 'PosixPath' object has no attribute 'load'", and ``options`` as a dict
with "'dict' object has no attribute 'given'". A path is now read as its text, other
sources are refused by name, and a mapping of options is read as :class:`LoaderOptions`
(a misspelt key gets its "did you mean")."""

from pathlib import Path

import pytest

from recstack.data.sources import LoaderOptions, load_source
from recstack.errors import ConfigError


@pytest.fixture
def log(tmp_path) -> Path:
    path = tmp_path / "log.csv"
    path.write_text("uid,iid\n1,10\n2,10\n2,20\n")
    return path


def test_a_pathlib_path_is_read(log):
    data = load_source(log, options=LoaderOptions(user_col="uid", item_col="iid"))
    assert len(data) == 3 and data.users.external_ids.tolist() == [1, 2]


@pytest.mark.parametrize("source", [None, 5, ["log.csv"]])
def test_a_source_that_is_no_path_is_refused_by_name(source):
    with pytest.raises(ConfigError, match=rf"^expected a path, a dataset name or 'synthetic', "
                                          rf"got {source!r}".replace("[", r"\[")):
        load_source(source)


def test_options_as_a_mapping_are_read_as_loader_options(log):
    data = load_source(str(log), options={"user_col": "uid", "item_col": "iid"})
    assert len(data) == 3 and data.items.external_ids.tolist() == [10, 20]
    with pytest.raises(ConfigError, match=r"^options: unknown key 'usr_col' \(did you mean "
                                          r"'user_col'\?\)"):
        load_source(str(log), options={"usr_col": "uid"})


def test_options_of_another_type_are_refused(log):
    with pytest.raises(ConfigError, match=r"^options must be LoaderOptions\(\.\.\.\) or a "
                                          r"mapping of its fields such as \{'user_col': "
                                          r"'userId'\}, not str$"):
        load_source(str(log), options="uid")
