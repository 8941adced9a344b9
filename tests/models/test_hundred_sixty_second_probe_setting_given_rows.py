"""Hundred-sixty-second bad-input probe: ``fit(train, validation=valid)`` (as the README
shows for BPR, LightGCN and the blend) on SASRec, whose ``validation`` is a True/False
setting, was told "validation is a hyperparameter; give it when creating the model
(create_model('sasrec', validation=...))", which sent the rows to the constructor, where
they are refused as not a bool. It now says the setting is not rows, what it does, and
which models take validation rows in ``fit``."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model

pytest.importorskip("torch", reason="PyTorch is not installed (pip install recstack[torch])")

TRAIN = Interactions.from_arrays(np.arange(40) % 8, np.arange(40) % 7, timestamps=np.arange(40))


def test_rows_given_for_sasrecs_validation_setting_say_what_it_is():
    with pytest.raises(ConfigError) as refused:
        create_model("sasrec").fit(TRAIN, validation=TRAIN)
    assert str(refused.value) == (
        "sasrec: fit() takes no validation rows: validation is a setting of this model, not "
        "interaction rows (Hold out each user's last training item to early-stop on "
        "nDCG@10; default True), given when creating it; the models that take validation "
        "rows in fit: blend, bpr, lightgcn, lightgcn_pp, mult_dae, mult_vae")


def test_a_value_for_the_setting_still_points_to_the_constructor():
    with pytest.raises(ConfigError, match=r"^sasrec: fit\(\) takes no validation=False: "
                                          r"validation is a hyperparameter; give it when "
                                          r"creating the model"):
        create_model("sasrec").fit(TRAIN, validation=False)
