"""Ninety-first bad-input probe, saved rankers and calibrators: a named pipe, a symbolic
link that loops or leads nowhere, or a folder where a file belongs (or a file where a
folder belongs) is refused by what it is, in the words of ``recstack.config`` and
``recstack.atomic``. Before: ``load_calibrator`` on a pipe waited forever for a writer,
a looping link was "cannot read (...)" or "no ranker.json", a file of a saved ranker
replaced by a pipe, a loop or a folder was "missing" (a pipe waited in the checksum), and
``Calibrator.save`` replaced a pipe or a dangling link by its file without a word."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.calibration import CalibrationError, PlattCalibrator, load_calibrator
from recstack.pipeline.rankers.registry import create_ranker
from recstack.pipeline.rankers.storage import META, load_ranker
from tests.pipeline.saved_rankers import toy

KINDS = ["pipe", "loop", "dangling"]


def _make(path, kind):
    """Put a ``kind`` of thing at ``path``; returns what the refusal says it is."""
    if kind == "pipe":
        os.mkfifo(path)
        return "a pipe, socket or device"
    if kind == "loop":
        os.symlink(path, path)
        return "a symbolic link that loops (it leads back to itself)"
    if kind == "dangling":
        target = path.parent / "gone"
        os.symlink(target, path)
        return f"a symbolic link to {str(target)!r}, which does not exist"
    path.mkdir()
    return "a folder"


@pytest.fixture(scope="module")
def saved_ranker(tmp_path_factory):
    frame, labels = toy()
    folder = tmp_path_factory.mktemp("ranker") / "logistic"
    create_ranker("logistic").fit(frame, labels).save(folder)
    return folder


@pytest.fixture(scope="module")
def calibrator():
    scores = np.linspace(0, 1, 20)
    return PlattCalibrator().fit(scores, (scores > 0.4).astype(float))


@pytest.mark.parametrize("kind", KINDS)
def test_load_ranker_names_what_is_there_instead_of_a_folder(tmp_path, kind):
    path = tmp_path / "ranker"
    what = _make(path, kind)
    with pytest.raises(RecstackError) as refused:
        load_ranker(path)
    assert str(refused.value) == (f"{path}: is {what}; a saved ranker is a folder (the one "
                                  f"holding {META})")


def test_load_ranker_of_nothing_says_there_is_no_such_folder(tmp_path):
    with pytest.raises(RecstackError, match=r"nothing: not a saved recstack ranker \(no "
                       r"such folder; looked at "):
        load_ranker(tmp_path / "nothing")


@pytest.mark.parametrize("kind", [*KINDS, "folder"])
@pytest.mark.parametrize("name", [META, "weights.npz"])
def test_a_saved_rankers_file_replaced_by_something_else_is_named(tmp_path, saved_ranker,
                                                                  kind, name):
    folder = tmp_path / "copy"
    shutil.copytree(saved_ranker, folder)
    (folder / name).unlink()
    what = _make(folder / name, kind)
    with pytest.raises(RecstackError) as refused:
        load_ranker(folder)
    message = str(refused.value)
    assert message.startswith(f"{folder / name}: is {what}")
    assert message.endswith("save the ranker again")


def test_a_saved_rankers_file_behind_a_link_to_a_file_still_loads(tmp_path, saved_ranker):
    folder = tmp_path / "copy"
    shutil.copytree(saved_ranker, folder)
    real = tmp_path / "elsewhere.npz"
    shutil.move(folder / "weights.npz", real)
    os.symlink(real, folder / "weights.npz")
    frame, _ = toy()
    np.testing.assert_array_equal(load_ranker(folder).score(frame),
                                  load_ranker(saved_ranker).score(frame))


@pytest.mark.parametrize("kind", [*KINDS, "folder"])
def test_load_calibrator_names_what_is_there_instead_of_a_file(tmp_path, kind):
    path = tmp_path / "calibrator.json"
    what = _make(path, kind)
    with pytest.raises(CalibrationError) as refused:
        load_calibrator(path)  # a pipe waited here forever
    message = str(refused.value)
    assert message.startswith(f"{path}: is {what}")
    assert message.endswith("give the calibrator's .json file")


@pytest.mark.parametrize("kind", ["pipe", "dangling"])
def test_calibrator_save_does_not_replace_a_pipe_or_a_dangling_link(tmp_path, calibrator,
                                                                     kind):
    path = tmp_path / "calibrator.json"
    what = _make(path, kind)
    with pytest.raises(CalibrationError) as refused:
        calibrator.save(path)
    # the output refusals' one shape: the call, the path, what is there, the remedy
    assert str(refused.value) == (
        f"platt.save: {path}: is {what}, but a file is to be written there; choose another "
        "name or " + ("remove it" if kind == "pipe" else "remove the link"))
    assert os.path.lexists(path) and not path.is_file()  # left as it was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calibrator.json"]


def test_calibrator_save_still_replaces_a_file_and_follows_a_link_to_one(tmp_path,
                                                                         calibrator):
    path = tmp_path / "calibrator.json"
    path.write_text("old", encoding="utf-8")
    calibrator.save(path, overwrite=True)  # the rule of every saved artifact
    assert load_calibrator(path).predict([0.5]) == pytest.approx(calibrator.predict([0.5]))
