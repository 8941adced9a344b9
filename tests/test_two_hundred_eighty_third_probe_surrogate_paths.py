"""A path holding a lone half of a UTF-16 surrogate pair (``"\\ud800"``: a JSON escape, or a
name mangled on its way) raised UnicodeEncodeError from the first system call on it,
whichever reader or writer it reached. Every entry point that checks a path now refuses it
as a name no file system can hold, naming the character and where it is; the U+DC80-U+DCFF
halves that stand for a non-UTF-8 name's bytes keep working."""
from __future__ import annotations

import pytest

from recstack.analysis.results_folder import read_results
from recstack.atomic import checked_path, name_too_long, surrogate_half
from recstack.data.files import load_table
from recstack.data.synthetic import generate
from recstack.errors import RecstackError
from recstack.models import create_model, load_model

HALF = "\ud800"
#: the words every refusal carries: the character, its position (1-based), and why
WORDS = r"character 6 is '\\ud800', half of a UTF-16 surrogate pair"


def test_the_rule_names_the_character_and_its_position() -> None:
    assert surrogate_half("/tmp/a\ud800b") is not None
    assert "character 7 is '\\udbff'" in surrogate_half("/tmp/a\udbffb")
    assert surrogate_half("/tmp/plain") is None
    # surrogateescape's halves: the bytes of a folder named in Latin-1, which exists
    assert surrogate_half("/tmp/caf\udce9") is None
    assert name_too_long(__import__("pathlib").Path("/tmp/caf\udce9")) is None


@pytest.mark.parametrize("call", [
    lambda path: checked_path(path, "out"),
    lambda path: load_table(path),
    lambda path: load_model(path),
    lambda path: read_results(path),
], ids=["checked_path", "load_table", "load_model", "read_results"])
def test_readers_refuse_the_path_by_name(call, tmp_path) -> None:
    with pytest.raises(RecstackError, match=WORDS):
        call(f"/tmp/{HALF}x")


def test_a_model_is_not_saved_under_it(tmp_path) -> None:
    model = create_model("most_popular").fit(generate(n_users=30, n_items=20, seed=0))
    with pytest.raises(RecstackError, match=WORDS):
        model.save(f"/tmp/{HALF}x")


def test_a_non_utf8_folder_name_still_works(tmp_path) -> None:
    folder = tmp_path / "caf\udce9"   # the byte 0xE9 of a Latin-1 name
    model = create_model("most_popular").fit(generate(n_users=30, n_items=20, seed=0))
    model.save(folder)
    assert load_model(folder).get_params() == model.get_params()
