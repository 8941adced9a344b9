"""Hundred-thirty-sixth bad-input probe: ``FeatureFrame.column`` with a misspelt name
listed the frame's features but did not name the nearest one, as the schema's other
look-ups do; it does, and says which method refused it."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema


def test_a_misspelt_column_name_gets_the_nearest_feature():
    frame = FeatureFrame(FeatureSchema((Feature("price", "numeric"), Feature("clicks", "numeric"))),
                         np.ones((1, 2)), np.zeros((1, 0), np.int32), [0], [0], [0])
    with pytest.raises(RecstackError, match=r"^FeatureFrame\.column: no feature named 'prise' "
                       r"\(did you mean 'price'\?\); the frame has price, clicks$"):
        frame.column("prise")
