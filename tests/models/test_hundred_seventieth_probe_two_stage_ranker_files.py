"""Hundred-seventieth bad-input probe: a saved two-stage model whose ranker files (stored in
its arrays as names, sizes and bytes) were edited, checksums recomputed.

* A file name listed twice was written back twice, the second copy over the first, and the
  ranker then read another file's bytes: refused now as the listed-twice name.
* The ranker's own refusal named the temporary folder the files were written back to
  (``/tmp/recstack-ranker-x1y2/ranker/ranker.json: not valid UTF-8 JSON``), a path gone by
  the time the user reads it; the file is named as saved now.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from recstack.data.synthetic import generate
from recstack.errors import RecstackError
from recstack.models import create_model, load_model
from tests.models.quick_params import quick_params
from tests.models.tampering import reseal, saved_arrays

pytestmark = pytest.mark.skipif(importlib.util.find_spec("sklearn") is None,
                                reason="the logistic ranker needs scikit-learn")


@pytest.fixture(scope="module")
def model():
    data = generate(n_users=80, n_items=40, n_interactions=1500, seed=0)
    return create_model("two_stage", **quick_params("two_stage")).fit(data)


def test_a_ranker_file_listed_twice_is_refused(model, tmp_path):
    folder = tmp_path / "m"
    arrays = saved_arrays(model, folder)
    names = arrays["r__names"].tolist()
    assert names == ["ranker.json", "weights.npz"]
    arrays["r__names"] = np.asarray(["ranker.json", "ranker.json"])
    reseal(folder, arrays)
    with pytest.raises(RecstackError, match=r"arrays\.npz: the ranker's file name "
                                            r"'ranker\.json' is listed twice \(r__names\)"):
        load_model(folder)


def test_a_damaged_ranker_file_is_named_as_saved_not_by_a_temporary_path(model, tmp_path):
    folder = tmp_path / "m"
    arrays = saved_arrays(model, folder)
    arrays["r__bytes"] = np.zeros_like(arrays["r__bytes"])  # every byte NUL
    reseal(folder, arrays)
    with pytest.raises(RecstackError) as refused:
        load_model(folder)
    message = str(refused.value)
    assert message.startswith(f"{folder}: the ranker's saved files (r__bytes in the arrays): "
                              "ranker.json: not valid UTF-8 JSON")
    assert "recstack-ranker-" not in message
