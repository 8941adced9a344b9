"""Thirty-fifth bad-input probe, models: SASRec reads every row as a step of its user's
sequence and the two-tower model learns every row as a positive, whatever the value, so a
negative value (a dislike) was trained on as an interaction without a word; they now refuse
it as the models that read only which pairs occur do."""

from __future__ import annotations

import pytest

pytest.importorskip("torch", reason="PyTorch is not installed (pip install recstack[torch])")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.errors import RecstackError  # noqa: E402
from recstack.models import create_model  # noqa: E402


def _with_dislikes() -> Interactions:
    # user 1 disliked item 8 (-1), user 3 item 7 (-2): 2 of 11 rows are negative
    return Interactions.from_arrays([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4],
                                    [7, 8, 9, 7, 9, 8, 8, 7, 9, 9, 7],
                                    [1.0, -1.0, 1.0, 1.0, 1.0, 1.0, 1.0, -2.0, 1.0, 1.0, 1.0],
                                    list(range(11)))


@pytest.mark.parametrize(("model", "params", "how"), [
    ("sasrec", {"epochs": 1, "hidden": 4}, "it reads every row as an item of the user's "
                                           "sequence"),
    ("two_tower", {"epochs": 1, "dim": 4, "hidden": 4, "batch_size": 4, "text_dim": 0},
     "it learns every training row as a positive"),
])
def test_negative_values_are_refused_naming_model_count_and_pair(model, params, how):
    with pytest.raises(RecstackError) as refused:
        create_model(model, **params).fit(_with_dislikes())
    message = str(refused.value)
    assert message.startswith(f"{model}: 2 of 11 interaction values are negative "
                              "(e.g. -1 for user 1, item 8); ")
    assert how in message
    assert "min_value filter" in message


def test_values_of_zero_are_still_steps_of_a_sequence():
    # SASRec does not read a 0 as no interaction: every row is an event of the sequence
    data = Interactions.from_arrays([1, 1, 1, 2, 2], [7, 8, 9, 7, 9],
                                    [0.0, 0.0, 0.0, 0.0, 0.0], list(range(5)))
    model = create_model("sasrec", epochs=1, hidden=4).fit(data)
    assert model.sequences_.shape[0] == 2
