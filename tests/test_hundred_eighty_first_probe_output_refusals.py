"""Hundred-eighty-first probe, outputs that exist as something other than a file.

``EvaluationResult.to_json(folder)``, ``write_experiment(folder)`` and the other writers
checked by :func:`recstack.atomic.checked_output` refused a folder, a pipe or a dangling
link in :func:`recstack.atomic.atomic_path`'s words, which leave off the call that was
refused (every other refusal of those outputs starts ``res.to_json(path):``). One shape
now: the call, the path, what is there, and what to do. Each test failed before the fix."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from recstack.atomic import checked_output
from recstack.errors import RecstackError
from recstack.evaluation.results import EvaluationResult
from recstack.tuning import TuningResult

RESULT = EvaluationResult("ease", pd.DataFrame({"ndcg@10": [0.1, 0.3]},
                                               index=pd.Index([1, 2], name="user_id")))


def test_a_folder_named_as_the_json_file_is_refused_naming_the_call(tmp_path):
    (tmp_path / "r.json").mkdir()
    with pytest.raises(RecstackError) as caught:
        RESULT.to_json(tmp_path / "r.json")
    assert str(caught.value) == (
        f"ease.to_json(path): {tmp_path / 'r.json'}: is a folder, but a file is to be "
        f"written there; choose a file name, e.g. {tmp_path / 'r.json' / 'file.json'}")
    assert not any((tmp_path / "r.json").iterdir())  # nothing written into it


def test_a_folder_without_an_extension_is_refused_naming_the_file_beside_it(tmp_path):
    (tmp_path / "res").mkdir()
    with pytest.raises(RecstackError, match=r"^ease\.to_csv\(path\): .*res: is a folder, "
                                            r"but a file is to be written there; choose a "
                                            r"file name, e.g. .*res\.csv$"):
        RESULT.to_csv(tmp_path / "res")


def test_write_experiment_to_a_folder_names_the_call(tmp_path):
    (tmp_path / "tuned.toml").mkdir()
    result = TuningResult("item_knn", "ndcg@10", {"neighbors": 5}, 0.1,
                          tuned_experiment={"name": "x"})
    with pytest.raises(RecstackError, match=r"^write_experiment\(path\): .*tuned\.toml: is a "
                                            r"folder, but a file is to be written there"):
        result.write_experiment(tmp_path / "tuned.toml")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_and_a_looping_link_are_refused_naming_the_call(tmp_path):
    os.mkfifo(tmp_path / "p.json")
    with pytest.raises(RecstackError, match=r"^ease\.to_json\(path\): .*p\.json: is a pipe, "
                                            r"socket or device, but a file is to be written "
                                            r"there; choose another name or remove it$"):
        RESULT.to_json(tmp_path / "p.json")
    os.symlink(tmp_path / "loop.json", tmp_path / "loop.json")
    with pytest.raises(RecstackError, match=r"^x: .*loop\.json: is a symbolic link that loops "
                                            r"\(it leads back to itself\), but a file is to "
                                            r"be written there; choose another name or "
                                            r"remove the link$"):
        checked_output(tmp_path / "loop.json", "x", suffixes=(".json",), writes="JSON")


def test_a_plain_new_file_is_still_written(tmp_path):
    assert checked_output(tmp_path / "r.json", "x", suffixes=(".json",),
                          writes="JSON") == tmp_path / "r.json"
    RESULT.to_json(tmp_path / "r.json")
    assert (tmp_path / "r.json").is_file()
