"""An item index's ``index.json`` cannot lose its own checksum unseen: from format version 2
(the version that writes ``meta_sha256`` and ``bytes``) a file without them is refused, so a
metric edited by hand together with deleting ``meta_sha256`` no longer loads silently (every
search of an exact index then ranked by the other measure). Indexes of format version 1,
written before the checksum, still load."""

from __future__ import annotations

import json

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.serving.ann import FORMAT_VERSION, ItemIndex


def _vectors(n=30, dim=4, seed=5):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, dim)) * rng.uniform(0.5, 3, size=(n, 1))).astype(np.float32)


def _rewrite(folder, edit):
    meta = json.loads((folder / "index.json").read_text())
    edit(meta)
    (folder / "index.json").write_text(json.dumps(meta))


def test_an_index_is_saved_in_format_version_2_with_its_checksums(tmp_path):
    folder = ItemIndex.build(_vectors(), backend="exact").save(tmp_path / "i")
    meta = json.loads((folder / "index.json").read_text())
    assert FORMAT_VERSION == 2
    assert meta["format_version"] == 2
    assert isinstance(meta["meta_sha256"], str) and len(meta["meta_sha256"]) == 64


@pytest.mark.parametrize(("removed", "named"), [
    (("meta_sha256",), "meta_sha256"),
    (("bytes",), "bytes"),
    (("meta_sha256", "bytes"), "meta_sha256 or bytes"),
])
def test_a_metric_edited_with_its_checksum_removed_is_refused(tmp_path, removed, named):
    folder = ItemIndex.build(_vectors(), metric="ip", backend="exact").save(tmp_path / "i")

    def edit(meta):
        meta["metric"] = "cosine"
        for key in removed:
            del meta[key]
    _rewrite(folder, edit)
    with pytest.raises(RecstackError) as caught:
        ItemIndex.load(folder)
    assert str(caught.value) == (
        f"{folder / 'index.json'}: has no {named}, which format version 2 always writes: "
        "the file was edited or is corrupted; restore it, or rebuild the index "
        "(ItemIndex.build) and save it again")


def test_a_null_checksum_is_no_checksum(tmp_path):
    folder = ItemIndex.build(_vectors(), metric="cosine", backend="exact").save(tmp_path / "i")
    _rewrite(folder, lambda meta: meta.update(metric="ip", meta_sha256=None))
    with pytest.raises(RecstackError, match=r"index.json: has no meta_sha256, which format "
                                            r"version 2 always writes"):
        ItemIndex.load(folder)


def test_a_checksum_that_is_not_text_is_a_mismatch(tmp_path):
    folder = ItemIndex.build(_vectors(), backend="exact").save(tmp_path / "i")
    _rewrite(folder, lambda meta: meta.update(meta_sha256=12))
    with pytest.raises(RecstackError, match=r"its checksum \(meta_sha256\) does not match"):
        ItemIndex.load(folder)


def test_a_version_1_index_without_checksums_still_loads_and_searches(tmp_path):
    vectors = np.array([[1, 0], [0, 2], [3, 3]], dtype=np.float32)
    folder = ItemIndex.build(vectors, metric="ip", backend="exact").save(tmp_path / "i")

    def older(meta):
        meta["format_version"] = 1
        del meta["meta_sha256"], meta["bytes"]
    _rewrite(folder, older)
    loaded = ItemIndex.load(folder)
    np.testing.assert_array_equal(loaded.vectors, vectors)
    # inner products with (1, 1): 1, 2, 6
    indices, scores = loaded.search(np.array([[1, 1]], dtype=np.float32), 3)
    assert indices.tolist() == [[2, 1, 0]]
    assert scores.tolist() == [[6.0, 2.0, 1.0]]


@pytest.mark.parametrize("version", [3, 0, "2", None])
def test_an_unknown_format_version_names_both_that_are_read(tmp_path, version):
    folder = ItemIndex.build(_vectors(), backend="exact").save(tmp_path / "i")
    _rewrite(folder, lambda meta: meta.update(format_version=version))
    with pytest.raises(RecstackError, match=rf"index format version {version!r}; this "
                                            r"recstack reads 1 and 2$"):
        ItemIndex.load(folder)
