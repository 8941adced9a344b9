"""A two-stage model asked to score new users' histories with a generator that cannot
(SASRec reads the order of a history, which a users x items matrix has lost): the error
was SASRec's own, sending the user to ``score_sequences``, which a two-stage model does not
have, and naming neither the two-stage model nor the generator's place. Now it names both
and what to declare instead."""

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

SASREC = {"type": "sasrec", "max_length": 5, "hidden": 8, "blocks": 1, "epochs": 1,
          "validation": False, "device": "cpu"}


def test_a_generator_that_cannot_score_histories_is_named_by_its_place():
    rng = np.random.default_rng(0)
    data = Interactions.from_arrays(np.repeat(np.arange(60), 15), rng.integers(0, 40, 900),
                                    None, np.arange(900), duplicates="last")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = create_model("two_stage", generators=[SASREC, {"type": "ease"}],
                             ranker={"type": "logistic"}, n_candidates=10).fit(data)
    with pytest.raises(RecstackError, match=r"^two_stage: score_histories: generators\[0\] "
                                            r"\(sasrec\) cannot score the histories: it "
                                            r"has no score_histories; a two-stage model "
                                            r"scores histories only when every generator and "
                                            r"scorer can \(declare it without sasrec, e\.g\. "
                                            r"with ease\)$"):
        model.score_histories(np.ones((1, len(model.items_))))
