"""Two-hundred-twenty-first bad-input probe: counts in the calibrators' and the Bayesian
logistic regression's refusals agree with their nouns ("(1 rows)" was written for one
row), and ``create_reranker("mmr", trade_off=0.5)`` (keywords, as ``create_model`` takes
them) is refused with the table to write, not Python's "unexpected keyword argument"."""

import numpy as np
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.bayesian import BayesianLogisticRegression
from recstack.pipeline.calibration import IsotonicCalibrator, PlattCalibrator
from recstack.pipeline.rerank import create_reranker


@pytest.mark.parametrize("calibrator", [PlattCalibrator, IsotonicCalibrator])
def test_one_row_of_one_class_is_one_row(calibrator):
    with pytest.raises(RecstackError, match=r"hold only label 1 \(1 row\); a calibrator"):
        calibrator().fit([0.5], [1])
    with pytest.raises(RecstackError, match=r"hold only label 0 \(1,000 rows\)"):
        calibrator().fit(np.linspace(0, 1, 1000), np.zeros(1000))


def test_the_bayesian_refusals_count_one_row():
    with pytest.raises(RecstackError, match=r"every row of the batch \(1 row\), so nothing"):
        BayesianLogisticRegression().fit([[1.0]], [1], sample_weight=[0])
    with pytest.raises(ConfigError, match=r"every label of it is 1 \(1 row\), so there"):
        BayesianLogisticRegression(class_weight="balanced").fit([[1.0]], [1])
    fitted = BayesianLogisticRegression().fit([[1.0], [2.0]], [0, 1])
    with pytest.raises(RecstackError, match=r"every row of the batch \(1 row\), so nothing"):
        fitted.partial_fit([[1.0]], [1], sample_weight=[0])


def test_keyword_hyperparameters_of_create_reranker_get_the_table_to_write():
    with pytest.raises(ConfigError, match=r"^create_reranker takes one table .* not keyword "
                                          r"arguments \(trade_off\); write create_reranker"
                                          r"\(\{'type': 'mmr', 'trade_off': 0\.5\}\)$"):
        create_reranker("mmr", trade_off=0.5)
    with pytest.raises(ConfigError, match=r"write create_reranker\(\{'type': 'mmr', "
                                          r"'trade_off': 0\.5, 'depth': 3\}\)$"):
        create_reranker({"type": "mmr", "trade_off": 0.5}, depth=3)
    # the table itself is still what it takes
    assert create_reranker({"type": "mmr", "trade_off": 0.5}).trade_off == 0.5
