"""One id rule for every IdMap entry point: text ids are trimmed of surrounding whitespace,
as every loader trims them, so that " 7" and "7" are never two ids of one map; a vocabulary
saved before ids were trimmed is read back as stored (``IdMap.restore``)."""

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.idmap import IdMap, UntrimmedIdWarning
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, DataFormatError, RecstackError


@pytest.mark.parametrize("container", [list, np.array, pd.Series, pd.Index])
def test_a_map_built_directly_holds_the_trimmed_ids_and_says_so(container):
    with pytest.warns(UntrimmedIdWarning, match=r"position 0: ' a', kept as 'a'"):
        ids = IdMap(container([" a", "b", "c\t"]))
    assert ids.external_ids.tolist() == ["a", "b", "c"]
    # the ids a loader gives for the same data
    loaded = Interactions.from_arrays([" a", "b", "c\t"], [1, 2, 3]).users
    assert loaded.external_ids.tolist() == ids.external_ids.tolist()


def test_ids_that_are_one_id_once_trimmed_are_refused_by_position_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DataFormatError, match=r"repeated: \['7'\] \(first at positions "
                                                  r"0 and 1\) \(text ids are compared trimmed"):
            IdMap([" 7", "7"])


@pytest.mark.parametrize("ids, position", [(["a", ""], 1), (["a", "b", "  "], 2)])
def test_text_that_is_empty_once_trimmed_is_not_an_id(ids, position):
    with pytest.raises(DataFormatError, match=rf"position {position} is '\s*', an empty id"):
        IdMap(ids)
    with pytest.raises(DataFormatError, match=rf"position {position} is '\s*', an empty id"):
        IdMap.encode(ids)


def test_trimmed_ids_give_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert IdMap(["a", "b"]).external_ids.tolist() == ["a", "b"]
        assert IdMap([3, 1]).external_ids.tolist() == [3, 1]


def test_encode_trims_as_the_loaders_do():
    ids, codes = IdMap.encode([" 7", "7", "b "])
    assert ids.external_ids.tolist() == ["7", "b"]
    assert codes.tolist() == [0, 0, 1]


def test_restore_keeps_a_saved_vocabulary_as_stored():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ids = IdMap.restore([" a", "a", "c "])
    assert ids.external_ids.tolist() == [" a", "a", "c "]
    with pytest.raises(RecstackError, match=r"repeated: \['a'\]"):
        IdMap.restore(["a", "a"])
    with pytest.raises(DataFormatError, match="position 1 is None"):
        IdMap.restore(["a", None])


def test_a_model_saved_with_untrimmed_ids_loads_with_them(tmp_path):
    from recstack.models import create_model, load_model

    model = create_model("most_popular").fit(Interactions.from_arrays(["a", "b", "b"],
                                                                      [1, 2, 1]))
    model.users_ = IdMap.restore([" a", "a"])  # as an older recstack could have saved it
    model.save(tmp_path / "model")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = load_model(tmp_path / "model")
    assert loaded.users_.external_ids.tolist() == [" a", "a"]


@pytest.mark.parametrize("n", [-1, 2.5, "3", True, None])
def test_range_takes_a_count(n):
    with pytest.raises(ConfigError, match=r"IdMap\.range takes the number of ids"):
        IdMap.range(n)


def test_range_of_a_numpy_count():
    assert IdMap.range(np.int64(3)).external_ids.tolist() == [0, 1, 2]
    assert len(IdMap.range(0)) == 0
