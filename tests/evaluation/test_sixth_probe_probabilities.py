"""Sixth bad-input probe, ``evaluate_probabilities(...).to_dict()`` for labels of one class:
ROC AUC and the normalised entropies are undefined there (NaN), and ``json.dumps`` wrote
them as the bare word NaN, which no JSON reader accepts; they are None (null), as in
``EvaluationResult.to_dict``."""

from __future__ import annotations

import json
import math

from recstack.evaluation.pointwise import evaluate_probabilities


def test_undefined_numbers_are_null_in_json():
    report = evaluate_probabilities([1, 1], [0.9, 0.5])
    text = json.dumps(report.to_dict(), allow_nan=False)
    read_back = json.loads(text)
    assert read_back["roc_auc"] is None
    assert read_back["normalized_cross_entropy"] is None
    # the defined numbers are kept: the mean of -log p over the two positives
    assert math.isclose(read_back["log_loss"], -(math.log(0.9) + math.log(0.5)) / 2)
