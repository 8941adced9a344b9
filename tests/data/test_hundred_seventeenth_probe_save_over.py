"""``save_table`` replaced an existing file without a word, while every other file a Python
call writes (``EvaluationResult.to_csv``, ``Model.save``) needs ``overwrite=True``."""

from __future__ import annotations

import pytest

from recstack.data.files import load_table, save_table
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError

FIRST = Interactions.from_arrays([1, 2], [10, 20], [3.0, 4.0])
SECOND = Interactions.from_arrays([5], [50], [1.0])


@pytest.mark.parametrize("name", ["log.parquet", "log.csv", "log.csv.gz", "log.tsv"])
def test_an_existing_file_is_kept_without_overwrite(tmp_path, name):
    path = save_table(FIRST, tmp_path / name)
    before = path.read_bytes()
    with pytest.raises(RecstackError, match=rf"^save_table: .*{name} already exists; pass "
                                            r"overwrite=True to replace it"):
        save_table(SECOND, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no debris


def test_overwrite_replaces_it(tmp_path):
    path = save_table(FIRST, tmp_path / "log.parquet")
    save_table(SECOND, path, overwrite=True)
    assert load_table(path).users.external_ids.tolist() == [5]


def test_an_existing_file_of_another_kind_is_kept_too(tmp_path):
    (tmp_path / "notes.csv").write_text("keep me\n")
    with pytest.raises(RecstackError, match="already exists"):
        save_table(FIRST, tmp_path / "notes.csv")
    assert (tmp_path / "notes.csv").read_text() == "keep me\n"


@pytest.mark.parametrize("flag", ["no", 0, None])
def test_overwrite_must_be_true_or_false(tmp_path, flag):
    with pytest.raises(ConfigError, match=r"save_table: overwrite must be True or False"):
        save_table(FIRST, tmp_path / "log.parquet", overwrite=flag)
