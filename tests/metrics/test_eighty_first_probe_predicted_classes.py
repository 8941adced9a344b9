"""roc_auc refuses predicted classes (true/false) given as its scores."""

import numpy as np
import pytest

from recstack.metrics import MetricInputError, log_loss, roc_auc


def test_roc_auc_refuses_true_false_scores():
    # hard predictions would give the AUC of one threshold: (1 + 0.5) / 2 here, silently
    with pytest.raises(MetricInputError, match="y_score must be scores, got true/false "
                       "values"):
        roc_auc([0, 1, 1], np.array([False, True, False]))


def test_roc_auc_still_reads_true_false_labels_and_number_scores():
    # pairs (positive, negative): (0.5 > 0.1) and (0.3 > 0.1), both won: AUC 1
    assert roc_auc([False, True, True], [0.1, 0.5, 0.3]) == 1.0
    # one of the two positives below the negative: AUC 1/2
    assert roc_auc([0, 1, 1], [0.4, 0.5, 0.3]) == 0.5


def test_probabilities_keep_their_message():
    with pytest.raises(MetricInputError, match=r"y_prob must be probabilities in \[0, 1\], "
                       r"got true/false values \(predicted classes, read as certainties 1 "
                       r"and 0\); pass the predicted probabilities"):
        log_loss([0, 1], [False, True])
