"""Three hundred second probe, least-probed arguments: a real-number setting given as a
``Decimal`` was refused as "not a number" (``perplexity``, ``dead_tolerance``,
``PCAAnalysis.components_for``), an integer too large for a float failed with Python's
OverflowError, and ``holm_adjust`` read true/false as the p-values 1 and 0."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from recstack.analysis import embedding_health, pca_analysis, project
from recstack.analysis.report import holm_adjust
from recstack.errors import RecstackError

# variances 4, 3, 2, 1 along the axes (rows +-2 e1, +-sqrt(3) e2, ...): shares 0.4, 0.3,
# 0.2, 0.1, so 2 components carry half of the variance and 3 carry 90%
_AXES = np.vstack([np.diag(np.sqrt([8.0, 6.0, 4.0, 2.0])),
                   -np.diag(np.sqrt([8.0, 6.0, 4.0, 2.0]))])


def test_components_for_takes_a_decimal_share_as_its_number():
    analysis = pca_analysis(_AXES, n_components=4)
    assert analysis.components_for(Decimal("0.5")) == analysis.components_for(0.5) == 2
    assert analysis.components_for(Decimal("0.9")) == 3
    assert analysis.components_for(Fraction(1, 2)) == 2
    for wrong in (Decimal("NaN"), Decimal("Infinity"), Decimal("1.5"), Decimal("0")):
        with pytest.raises(RecstackError, match=r"share must be a number in \(0, 1\], got "
                           + repr(wrong).replace("(", r"\(").replace(")", r"\)")):
            analysis.components_for(wrong)


def test_dead_tolerance_takes_a_decimal():
    x = np.vstack([_AXES, np.zeros((1, 4))])
    health = embedding_health(x, dead_tolerance=Decimal("0.000001"))
    assert health.dead.tolist() == [8]
    with pytest.raises(RecstackError, match=r"dead_tolerance must be a finite number >= 0, "
                                            r"got Decimal\('-1'\)"):
        embedding_health(x, dead_tolerance=Decimal("-1"))


@pytest.mark.parametrize("huge", [10**400, -10**400], ids=["positive", "negative"])
def test_an_integer_beyond_a_float_is_refused_by_name(huge):
    with pytest.raises(RecstackError, match="dead_tolerance must be a finite number >= 0"):
        embedding_health(_AXES, dead_tolerance=huge)
    with pytest.raises(RecstackError, match="perplexity must be a finite number > 0"):
        project(np.random.default_rng(0).standard_normal((8, 3)), perplexity=huge)


def test_perplexity_takes_a_decimal():
    pytest.importorskip("openTSNE")
    x = np.random.default_rng(1).standard_normal((10, 3))
    with pytest.warns(UserWarning, match="perplexity=30 is more than t-SNE can use for 10 "
                                         "points; 3, "):
        mapped = project(x, perplexity=Decimal("30"))
    assert mapped.coordinates.shape == (10, 2)


def test_holm_refuses_true_false_p_values():
    with pytest.raises(RecstackError, match="got true/false values"):
        holm_adjust(np.array([True, False]))
    with pytest.raises(RecstackError, match="got true/false values"):
        holm_adjust([[False, True]])
    # worked by hand: p = 0.01, 0.04 ranked: 2 x 0.01 = 0.02, max(0.02, 1 x 0.04) = 0.04
    np.testing.assert_allclose(holm_adjust([0.04, 0.01]), [0.04, 0.02])
