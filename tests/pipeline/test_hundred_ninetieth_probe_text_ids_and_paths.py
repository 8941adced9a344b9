"""Hundred-ninetieth bad-input probe: a saved block list checked against its settings over
a vocabulary of text ids failed with Python's AttributeError ('str' object has no attribute
'item') instead of naming the item that differs; and the pipeline's refusal of a file
destination that is not a file said in its own copy what :func:`recstack.atomic.
refuse_non_file` says, missing the folder and the name too long to write."""

from __future__ import annotations

import os

import numpy as np
import pytest

from recstack.atomic import refuse_non_file
from recstack.data.idmap import IdMap
from recstack.errors import RecstackError
from recstack.models.persistence import sparse_state
from recstack.pipeline._paths import refuse_unwritable_file
from recstack.pipeline.calibration import CalibrationError
from recstack.pipeline.rerank import BlockList


def _saved(step: BlockList, items: IdMap, users: IdMap, blocked: list[bool]):
    _, matrix, _, _ = step._masks(items, users)
    return {"blocked": np.array(blocked), **sparse_state("per_user", matrix)}


@pytest.mark.parametrize(("vocabulary", "listed", "shown"), [
    (["apple", "banana", "cherry"], "apple", "'apple'"),
    ([10, 20, 30], 10, "10"),
    (["ü", "naïve", "x"], "ü", "'ü'"),
])
def test_a_saved_block_list_over_other_ids_names_the_item(vocabulary, listed, shown):
    items, users = IdMap(vocabulary), IdMap(["u1", "u2"])
    step = BlockList(items=[listed])
    # the settings block the listed item; the saved mask blocks none: its item is named
    problem = step.check_state(_saved(step, items, users, [False, False, False]), items,
                               users)
    assert problem == (f"the saved block list does not block item {shown}, but the model's "
                       "items setting lists it; the settings and the saved arrays are of "
                       "different fits (refit and save again)")


def test_a_saved_block_list_blocking_an_unlisted_text_id_names_it():
    items, users = IdMap(["apple", "banana", "cherry"]), IdMap(["u1"])
    step = BlockList(items=["apple"])
    problem = step.check_state(_saved(step, items, users, [True, False, True]), items, users)
    assert problem is not None and problem.startswith(
        "the saved block list blocks item 'cherry', but the model's items setting does not "
        "list it")


def test_saved_masks_that_agree_pass():
    items, users = IdMap(["apple", "banana"]), IdMap(["u1"])
    step = BlockList(items=["banana"])
    assert step.check_state(_saved(step, items, users, [False, True]), items, users) is None


def _words(path, what=""):
    with pytest.raises(RecstackError) as shared:
        refuse_non_file(path, what)
    return str(shared.value)


@pytest.mark.parametrize("kind", ["folder", "pipe", "dangling", "too long"])
def test_an_unwritable_destination_is_refused_in_the_shared_words(tmp_path, kind):
    path = tmp_path / "calibrator.json"
    if kind == "folder":
        path.mkdir()
    elif kind == "pipe":
        os.mkfifo(path)
    elif kind == "dangling":
        os.symlink(tmp_path / "gone", path)
    else:
        path = tmp_path / ("c" * 300 + ".json")
    with pytest.raises(CalibrationError) as refused:
        refuse_unwritable_file(path, CalibrationError, "platt.save")
    assert str(refused.value) == _words(path, "platt.save")
    assert str(refused.value).startswith("platt.save: ")
    with pytest.raises(CalibrationError) as bare:
        refuse_unwritable_file(path, CalibrationError)
    assert str(bare.value) == _words(path)


def test_a_file_or_nothing_is_a_writable_destination(tmp_path):
    refuse_unwritable_file(tmp_path / "new.json", CalibrationError)
    (tmp_path / "old.json").write_text("{}")
    refuse_unwritable_file(tmp_path / "old.json", CalibrationError)
    os.symlink(tmp_path / "old.json", tmp_path / "link.json")
    refuse_unwritable_file(tmp_path / "link.json", CalibrationError)
