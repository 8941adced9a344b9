"""Hundred-fortieth probe: a side table's path (the items or users file of a pipeline, the
service's items) starting with ``~`` that names no home folder was "no such items file",
the ``~`` unmentioned, and with HOME set empty ``~/items.csv`` was looked for as
``/items.csv``: one rule for ``~`` in every path a user writes
(:func:`recstack.specs.home_problem`)."""

from __future__ import annotations

import pytest

from recstack.data.side_table import read_side_table
from recstack.errors import RecstackError


def test_a_home_of_no_user_is_named():
    with pytest.raises(RecstackError) as refused:
        read_side_table("~nosuchuser_h140/items.csv")
    assert str(refused.value).startswith(
        "'~nosuchuser_h140/items.csv': the items file's path starts with ~nosuchuser_h140, "
        "the home folder of the user 'nosuchuser_h140', but there is no such user")


def test_an_empty_home_is_named(monkeypatch):
    monkeypatch.setenv("HOME", "")
    with pytest.raises(RecstackError, match=r"^'~/users.csv': the users file's path starts "
                                            r"with ~, the home folder, but HOME is set empty"):
        read_side_table("~/users.csv", what="users file", key="user_id")


def test_the_home_folder_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "items.csv").write_text("item_id,genre\n1,a\n2,b\n")
    table = read_side_table("~/items.csv")
    assert table["item_id"].tolist() == [1, 2]
