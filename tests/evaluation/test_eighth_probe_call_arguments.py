"""Eighth bad-input probe, the evaluator's keyword arguments: ``progress=True`` (asking
for a progress bar, as many libraries take it) failed deep in the evaluation loop with
"'bool' object has no attribute 'task'", and ``name=5`` labelled the result with a
number."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.errors import ConfigError
from recstack.evaluation.evaluator import Evaluator
from recstack.models import create_model
from recstack.progress import LogProgress

rng = np.random.default_rng(0)
DATA = Interactions.from_arrays(rng.integers(0, 40, 600), rng.integers(0, 20, 600),
                                duplicates="last")
SPLIT = random_split(DATA, test_fraction=0.2, seed=0)
MODEL = create_model("item_knn").fit(SPLIT.train)


@pytest.mark.parametrize("progress", [True, "yes", 1])
def test_a_progress_that_is_no_reporter_is_refused_by_name(progress):
    says = (r"^evaluate\(progress=\.\.\.\) takes a recstack\.progress reporter \(e\.g\. "
            r"recstack\.progress\.TerminalProgress\(\)\) or None, got ")
    with pytest.raises(ConfigError, match=says):
        Evaluator(ks=(5,)).evaluate(MODEL, SPLIT.train, SPLIT.test, progress=progress)
    with pytest.raises(ConfigError, match=says):
        Evaluator(ks=(5,)).evaluate_fold_in(MODEL, SPLIT.train, SPLIT.test, SPLIT.test,
                                            progress=progress)


@pytest.mark.parametrize("name", [5, ["knn"]])
def test_a_name_that_is_not_text_is_refused(name):
    with pytest.raises(ConfigError, match=r"^evaluate\(name=\.\.\.\) takes the result's label "
                                          r"as text, got "):
        Evaluator(ks=(5,)).evaluate(MODEL, SPLIT.train, SPLIT.test, name=name)
    # a reporter and a text name are taken as before
    result = Evaluator(ks=(5,)).evaluate(MODEL, SPLIT.train, SPLIT.test, name="knn",
                                         progress=LogProgress())
    assert result.model == "knn"
