"""SASRec's ``score_sequences`` and ``recommend_sequences`` took no ``check_call``: a flag
given by position (``recommend_sequences(seqs, 5, False)``) or a misspelt keyword failed
with Python's TypeError ("takes from 2 to 3 positional arguments"), naming neither the
model nor the keyword to use, as every other model method now says."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model

pytest.importorskip("torch")


@pytest.fixture(scope="module")
def model():
    rng = np.random.default_rng(0)
    users = rng.integers(0, 20, 300)
    items = rng.integers(0, 12, 300) * 10 + 100
    data = Interactions.from_arrays(users, items, np.ones(300), np.arange(300))
    return create_model("sasrec", max_length=5, hidden=8, blocks=1, epochs=1, batch_size=64,
                        validation=False, device="cpu").fit(data)


def test_a_flag_by_position_is_refused_naming_it(model):
    with pytest.raises(ConfigError, match=r"^sasrec: recommend_sequences\(\): got 1 value\(s\) "
                                          r"by position \(False\).*exclude_seen by name"):
        model.recommend_sequences([[100]], 3, False)


def test_a_misspelt_keyword_is_refused_with_the_right_one(model):
    with pytest.raises(ConfigError, match=r"^sasrec: recommend_sequences\(\) got an unexpected "
                                          r"argument 'exlude_seen' \(did you mean "
                                          r"'exclude_seen'\?\)"):
        model.recommend_sequences([[100]], 3, exlude_seen=False)


def test_score_sequences_takes_only_the_sequences(model):
    with pytest.raises(ConfigError, match=r"^sasrec: score_sequences\(\): got 1 value\(s\) by "
                                          r"position \(3\)"):
        model.score_sequences([[1]], 3)
    with pytest.raises(ConfigError, match=r"^sasrec: score_sequences\(\) got an unexpected "
                                          r"argument 'k'"):
        model.score_sequences([[1]], k=3)


def test_the_documented_calls_still_work(model):
    result = model.recommend_sequences([[100, 110]], 3, exclude_seen=False)
    assert result.item_ids.shape == (1, 3)
    assert model.score_sequences([[1, 2]]).shape == (1, 12)
