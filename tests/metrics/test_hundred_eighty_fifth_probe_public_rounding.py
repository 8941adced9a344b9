"""Hundred-eighty-fifth probe: the rounding rules of nDCG (``NDCG_ROUNDING``: above 1 by at
most this is 1; ``SUM_ROUNDING``: within k times this below 1 is 1) are public names of
``recstack.metrics.ranking``, which the Spark evaluator applies too: they were private
(``_NDCG_ROUNDING``) while another module imported them. The private names stay as
aliases of the same numbers."""

from __future__ import annotations

import numpy as np

from recstack.metrics import ranking


def test_the_rounding_rules_are_public_and_documented():
    assert ranking.NDCG_ROUNDING == 1e-9
    # 4 float64 epsilons: 4 * 2**-52
    assert ranking.SUM_ROUNDING == 4 * 2.0**-52 == 4 * np.finfo(np.float64).eps
    assert {"NDCG_ROUNDING", "SUM_ROUNDING"} <= set(ranking.__all__)


def test_the_private_names_are_the_same_numbers():
    assert ranking._NDCG_ROUNDING is ranking.NDCG_ROUNDING
    assert ranking._SUM_ROUNDING is ranking.SUM_ROUNDING
