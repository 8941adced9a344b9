"""Fifth bad-input probe, saved models: saving over a folder that is not a model, id lists of
the wrong nesting, and metadata fields of the wrong type. The artifacts are edited with this
test's own code (json + numpy, checksums recomputed by the documented rule), not recstack's."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model, load_model
from recstack.models.persistence import describe_artifact

ARRAYS, META = "arrays.npz", "model.json"


@pytest.fixture(scope="module")
def data() -> Interactions:
    users = np.repeat(np.arange(6), 3)
    items = np.array([0, 1, 2, 1, 2, 3, 2, 3, 4, 3, 4, 0, 4, 0, 1, 0, 2, 4])
    return Interactions.from_arrays(users, items, np.ones(len(users)))


@pytest.fixture(scope="module")
def model(data):
    return create_model("most_popular").fit(data)


def _reseal(folder: Path, meta: dict) -> None:
    meta["sha256"][ARRAYS] = hashlib.sha256((folder / ARRAYS).read_bytes()).hexdigest()
    body = {k: v for k, v in meta.items() if k != "sha256"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    meta["sha256"][META] = hashlib.sha256(text.encode("ascii")).hexdigest()
    (folder / META).write_text(json.dumps(meta), encoding="utf-8")


# --------------------------------------------------------------------------- overwrite
def test_overwrite_refuses_a_folder_that_is_not_a_saved_model(model, tmp_path):
    # the swap replaced the whole folder: the user's files were deleted without a word
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "thesis.txt").write_text("years of work")
    (folder / "notes").mkdir()
    with pytest.raises(RecstackError, match=r"results: holds 'notes', 'thesis.txt'.*not a "
                                            r"saved model.*choose another folder"):
        model.save(folder, overwrite=True)
    assert (folder / "thesis.txt").read_text() == "years of work"
    assert sorted(p.name for p in folder.iterdir()) == ["notes", "thesis.txt"]


def test_overwrite_refuses_a_model_folder_with_other_files_too(model, tmp_path):
    folder = tmp_path / "model"
    model.save(folder)
    (folder / "README.md").write_text("how this model was made")
    with pytest.raises(RecstackError, match="holds 'README.md'"):
        model.save(folder, overwrite=True)
    assert (folder / "README.md").exists()


def test_overwrite_still_replaces_a_saved_model_a_damaged_one_or_an_empty_folder(
        model, data, tmp_path):
    saved = tmp_path / "saved"
    model.save(saved)
    model.save(saved, overwrite=True)
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / META).write_text("{not json")
    model.save(damaged, overwrite=True)
    empty = tmp_path / "empty"
    empty.mkdir()
    model.save(empty, overwrite=True)
    for folder in (saved, damaged, empty):
        items, _ = load_model(folder).recommend([0], k=2, exclude_seen=False)
        # most popular over the 18 rows above: items 0, 2 and 4 four times each, 1 and 3
        # three times; ties rank the lower index first
        assert items.tolist() == [[0, 2]]


def test_without_overwrite_a_foreign_folder_is_still_refused_as_existing(model, tmp_path):
    folder = tmp_path / "other"
    folder.mkdir()
    (folder / "x.txt").write_text("x")
    with pytest.raises(RecstackError, match="already exists"):
        model.save(folder)


# --------------------------------------------------------------------------- id lists
@pytest.mark.parametrize("kind", ["user", "item"])
def test_an_id_list_that_is_not_one_dimensional_is_refused_by_name(model, tmp_path, kind):
    # a 0-d id list (one bare id) was a TypeError: len() of unsized object
    folder = tmp_path / "model"
    model.save(folder)
    with np.load(folder / ARRAYS, allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    arrays[f"base__{kind}_ids"] = np.asarray(arrays[f"base__{kind}_ids"][0])
    np.savez(folder / ARRAYS, **arrays)
    meta = json.loads((folder / META).read_text())
    meta["arrays"][f"base__{kind}_ids"] = {"dtype": arrays[f"base__{kind}_ids"].dtype.str,
                                           "shape": []}
    _reseal(folder, meta)
    with pytest.raises(RecstackError, match=rf"base__{kind}_ids' of model 'most_popular' has "
                                            rf"0 dimension\(s\).*expected 1"):
        load_model(folder)


# --------------------------------------------------------------------------- metadata
@pytest.mark.parametrize("version", [5, None, "", ["0.1.0"]])
def test_a_recstack_version_that_is_not_text_is_refused(model, tmp_path, version):
    folder = tmp_path / "model"
    model.save(folder)
    meta = json.loads((folder / META).read_text())
    meta["recstack_version"] = version
    _reseal(folder, meta)
    with pytest.raises(RecstackError, match="recstack_version must be the version text"):
        load_model(folder)


# --------------------------------------------------------------------------- "~"
def test_a_path_starting_with_a_tilde_means_the_home_folder(model, tmp_path, monkeypatch):
    # the data loaders and checkpoint_dir expand "~"; save made a folder named "~" in the
    # working folder and load_model looked there
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    model.save("~/models/popular")
    assert (home / "models" / "popular" / META).is_file()
    assert not (work / "~").exists()
    loaded = load_model("~/models/popular")
    assert loaded.recommend([0], k=1, exclude_seen=False)[0].tolist() == [[0]]
    assert describe_artifact("~/models/popular")["model"] == "most_popular"
