"""Public helpers of the serving modules given the wrong kind of argument: each is refused
by name, with the rule its siblings use, where they failed as Python's AttributeError,
TypeError or ValueError (or read a value silently another way)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.topk import pad_columns


# --------------------------------------------------------------------------- pad_columns
def test_pad_columns_takes_lists_as_top_k_does():
    # worked by hand: two slots added, index 0 with score -inf
    top, scores = pad_columns([[3, 1]], [[0.5, 0.25]], 4)
    assert isinstance(top, np.ndarray) and isinstance(scores, np.ndarray)
    assert top.tolist() == [[3, 1, 0, 0]]
    assert scores.tolist() == [[0.5, 0.25, -np.inf, -np.inf]]
    # nothing to add: the lists come back as arrays all the same
    top, scores = pad_columns([[3, 1]], [[0.5, 0.25]], 2)
    assert isinstance(top, np.ndarray) and top.tolist() == [[3, 1]]


def test_pad_columns_refuses_ragged_rows_by_name():
    with pytest.raises(ConfigError, match="pad_columns: .*rows have different lengths"):
        pad_columns([[3, 1], [2]], [[0.5, 0.25], [0.1]], 4)


# --------------------------------------------------------------------------- fingerprint
@pytest.mark.parametrize("data", [None, pd.DataFrame({"user_id": [1], "item_id": [2]}),
                                  "ratings.csv", 3])
def test_data_fingerprint_refuses_what_is_not_interactions(data):
    from recstack.serving.registry import data_fingerprint

    with pytest.raises(ConfigError, match=f"data_fingerprint: data must be Interactions "
                                          rf"\(.*\), got {type(data).__name__}$"):
        data_fingerprint(data)


# --------------------------------------------------------------------------- merge_proposals
def test_merge_proposals_wants_one_proposal_per_source():
    from recstack.serving.two_stage import merge_proposals

    with pytest.raises(ConfigError, match=r"one \(items, scores\) proposal per source "
                                          r"\(0 sources: none\), got 0 proposals"):
        merge_proposals(0, [], 5, 10, ())
    with pytest.raises(ConfigError, match=r"\(2 sources: als, pop\), got 1 proposal$"):
        merge_proposals(0, [(np.array([1, 2]), np.array([0.5, 0.4]))], 5, 10, ("als", "pop"))
    merged = merge_proposals(0, [(np.array([1, 2]), np.array([0.5, 0.4])),
                                 (np.array([2, -1]), np.array([0.9, -np.inf]))],
                             2, 10, ("als", "pop"))
    # worked by hand: items 1 and 2; item 1 only from als (rank 1), item 2 from both
    assert merged.items.tolist() == [1, 2]
    np.testing.assert_array_equal(merged.ranks, [[1, 3], [2, 1]])


# --------------------------------------------------------------------------- store checks
@pytest.fixture(scope="module")
def fitted():
    pytest.importorskip("implicit", reason="ALS needs implicit")
    from recstack.data.synthetic import generate
    from recstack.models.als import ALS

    data = generate(n_users=40, n_items=25, n_interactions=300, seed=2, progress=None)
    return ALS(factors=4, iterations=2, seed=0).fit(data)


def test_item_sample_refuses_what_is_not_a_fitted_model(fitted):
    from recstack.models.als import ALS
    from recstack.serving.embedding_store import item_sample

    with pytest.raises(ConfigError, match="item_sample: model must be a fitted recstack "
                                          "model .*got NoneType"):
        item_sample(None)
    with pytest.raises(RecstackError, match="fit"):
        item_sample(ALS())
    ids, vectors = item_sample(fitted)
    assert len(ids) == len(vectors) == 8 and vectors.shape[1] == 4


def test_other_model_items_checks_store_and_sample(tmp_path, fitted):
    from recstack.serving.embedding_store import item_sample, open_store, other_model_items

    sample = item_sample(fitted)
    store = open_store(str(tmp_path / "vectors.sqlite"))
    try:
        store.put_model(fitted)
        assert other_model_items(store, sample, "als@1's") is None
        # lists of vectors are the same pair
        assert other_model_items(store, (sample[0], sample[1].tolist()), "als@1's") is None
        with pytest.raises(ConfigError, match="other_model_items: store must be an "
                                              "EmbeddingStore .*got str 'vectors.sqlite'"):
            other_model_items("vectors.sqlite", sample, "als@1's")
        with pytest.raises(ConfigError, match="sample must be item_sample\\(model\\)'s pair"
                                              ".*got NoneType None; item_sample returns None"):
            other_model_items(store, None, "als@1's")
        with pytest.raises(ConfigError, match="got tuple"):
            other_model_items(store, (sample[0],), "als@1's")
        with pytest.raises(ConfigError, match=r"got 8 ids and vectors of shape \(4,\)"):
            other_model_items(store, (sample[0], sample[1][0]), "als@1's")
        with pytest.raises(ConfigError, match="whose must be text"):
            other_model_items(store, sample, None)
    finally:
        store.close()


# --------------------------------------------------------------------------- log readers
@pytest.mark.parametrize("rotate_rows", [True, 0, -1, 3.5, "5", None])
def test_default_max_pending_refuses_what_rotate_rows_refuses(rotate_rows):
    from recstack.serving.request_log import default_max_pending

    with pytest.raises(ConfigError, match="rotate_rows must be a whole number of at least "
                                          "1, got "):
        default_max_pending(rotate_rows)


def test_default_max_pending_values():
    from recstack.serving.request_log import MIN_MAX_PENDING, default_max_pending

    assert default_max_pending(np.int64(10)) == MIN_MAX_PENDING
    assert default_max_pending(20_000) == 200_000  # ten files' worth


def _one_log_file(folder):
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir()
    pq.write_table(pa.table({"user_id": ["u1"], "item_id": ["i1"]}),
                   folder / "requests-20260101T000000000000Z-1-1.parquet")
    return folder


@pytest.mark.parametrize("prefix", [None, "*", "", "../requests", "req?ests"])
def test_log_readers_refuse_the_prefixes_the_writer_refuses(tmp_path, prefix):
    from recstack.serving.request_log import log_files, read_log

    folder = _one_log_file(tmp_path / "logs")
    for call in (lambda: log_files(folder, prefix), lambda: read_log(folder, prefix)):
        with pytest.raises(ConfigError, match="the log's prefix must be a plain file-name "
                                              "prefix such as 'requests', got "):
            call()


def test_read_log_takes_required_as_a_list_only(tmp_path):
    from recstack.serving.request_log import read_log

    folder = _one_log_file(tmp_path / "logs")
    # a single text was read as its characters: 'user_id' as columns u, s, e, r, ...
    with pytest.raises(ConfigError, match=r"required must be a list of column names .*"
                                          r"got str 'user_id'"):
        read_log(folder, "requests", "user_id")
    with pytest.raises(RecstackError, match="lacks column\\(s\\) variant of the service's "
                                            "requests log"):
        read_log(folder, "requests", ["user_id", "variant"])
    assert read_log(folder, "requests", ["user_id"])["user_id"].tolist() == ["u1"]


def test_read_log_file_takes_text_and_names_a_missing_file(tmp_path):
    from recstack.serving.request_log import read_log_file

    folder = _one_log_file(tmp_path / "logs")
    (name,) = [p.name for p in folder.iterdir()]
    assert read_log_file(str(folder / name), "requests").num_rows == 1
    with pytest.raises(RecstackError, match="x.parquet: no such file; give the requests "
                                            "log's Parquet file$"):
        read_log_file(folder / "x.parquet", "requests", in_folder=False)
    with pytest.raises(RecstackError, match="no such file; removed while the log was read"):
        read_log_file(folder / "x.parquet", "requests")
