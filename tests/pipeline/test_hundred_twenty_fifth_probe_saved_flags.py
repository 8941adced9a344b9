"""A ranker's ``save`` reads ``overwrite`` as a calibrator's does: text ("no", "false"),
0/1 and None are refused naming the ranker's save, before anything is written; numpy's
true/false is the flag it holds."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.pipeline.rankers import create_ranker, load_ranker

pytest.importorskip("sklearn")


def _fitted():
    from tests.pipeline.test_rankers import synthetic_frame

    frame, labels, _ = synthetic_frame(n_groups=20)
    return create_ranker("logistic").fit(frame, labels), frame


@pytest.mark.parametrize("flag", ["no", "false", "yes", 0, 1, None])
def test_overwrite_that_is_not_true_or_false_is_refused_naming_the_save(tmp_path, flag):
    ranker, _ = _fitted()
    with pytest.raises(ConfigError, match=r"^logistic\.save: overwrite must be True \(replace "
                                          r"an existing folder\) or False, got"):
        ranker.save(tmp_path / "new", overwrite=flag)
    assert not (tmp_path / "new").exists()  # nothing half-written


def test_numpy_flags_are_read_as_the_flag_they_hold(tmp_path):
    ranker, frame = _fitted()
    ranker.save(tmp_path / "r", overwrite=np.bool_(False))
    with pytest.raises(Exception, match="already exists|exists"):
        ranker.save(tmp_path / "r", overwrite=np.bool_(False))
    ranker.save(tmp_path / "r", overwrite=np.bool_(True))
    np.testing.assert_array_equal(load_ranker(tmp_path / "r").score(frame), ranker.score(frame))
