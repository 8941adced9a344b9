"""Three leads of round 54: a re-ranker chain compared a flag true with a number 1 as one
step; ``model.save(<a DataFrame>)`` printed the frame in its refusal; and the content model's
``popularity_weight`` could drown the text part in float32 without a word."""

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model

# ------------------------------------------------------------------ re-ranker steps


def _reranked(chain):
    return create_model("reranked", model={"type": "most_popular"}, chain=chain)


def _available_data():
    table = pd.DataFrame({"item_id": list("abcd"), "available": [True, False, True, True]})
    return Interactions.from_arrays(list("uuvw"), list("abcd"), np.ones(4), item_table=table)


def test_a_flag_true_and_a_number_1_are_two_steps_not_a_repeat():
    # before: get_params() == compared True with 1 as equal, and the chain was refused as
    # "chain[0] and chain[1] are the same step"
    chain = [{"type": "item_predicate", "column": "available", "value": True},
             {"type": "item_predicate", "column": "available", "value": 1}]
    _reranked(chain).validate_params()
    # the second step is then refused for what is wrong with it: a number compared with a
    # column of true/false values
    with pytest.raises(ConfigError, match=r"value 1 is a number, and column 'available' "
                                          r"holds true/false values"):
        _reranked(chain).fit(_available_data())


@pytest.mark.parametrize("second", [True, np.True_])
def test_the_same_flag_twice_is_still_a_repeat(second):
    chain = [{"type": "item_predicate", "column": "available", "value": True},
             {"type": "item_predicate", "column": "available", "value": second}]
    with pytest.raises(ConfigError, match=r"^reranked: chain\[0\] and chain\[1\] are the same "
                                          r"step \(ItemPredicate\(column='available', op='==', "
                                          r"value=True, keep=True, separator='\|'\)\)"):
        _reranked(chain).validate_params()


def test_a_repeated_long_block_list_is_named_by_its_size():
    items = [f"item{i}" for i in range(10_000)]
    chain = [{"type": "block_list", "items": items}, {"type": "block_list", "items": items}]
    with pytest.raises(ConfigError) as caught:
        _reranked(chain).validate_params()
    message = str(caught.value)
    assert ("are the same step (BlockList(items=a list of 10,000 items, per_user=()))"
            in message)
    assert len(message) < 400 and "item9999" not in message


# ------------------------------------------------------------------ save(<a DataFrame>)


def test_save_given_a_table_names_its_type_and_size_only():
    data = Interactions.from_arrays(["u", "u", "v"], ["a", "b", "a"])
    model = create_model("most_popular").fit(data)
    frame = pd.DataFrame({"user": ["alice", "bob", "carol"], "item": ["x1", "x2", "x3"]})
    with pytest.raises(RecstackError) as caught:
        model.save(frame)
    message = str(caught.value)
    assert message == ("most_popular: save(path): expected a path (text or pathlib.Path), got "
                       "a DataFrame of 3 rows x 2 columns")
    assert "alice" not in message


@pytest.mark.parametrize("given, shown", [(3, "int 3"), (None, "NoneType None"),
                                          ([1, 2], "list [1, 2]"),
                                          (list(range(10_000)), "a list of 10,000 items")])
def test_save_names_other_values_as_before_and_long_ones_by_size(given, shown):
    data = Interactions.from_arrays(["u", "v"], ["a", "b"])
    model = create_model("most_popular").fit(data)
    with pytest.raises(RecstackError) as caught:
        model.save(given)
    assert str(caught.value).endswith(f"expected a path (text or pathlib.Path), got {shown}")


# ------------------------------------------------------------------ popularity_weight

CATALOG = pd.DataFrame({
    "item_id": ["space1", "space2", "space3", "laugh1", "laugh2", "laugh3"],
    "title": ["Star Voyage", "Galaxy Rangers", "Star Colony",
              "Wedding Chaos", "Office Pranks", "Wedding Crashers"],
})


def _catalog_data():
    # laugh1 is the most popular item (3 users); laugh2 and space3 have one user each; the
    # space fan's titles share the word "star" with space3 and none with laugh2
    users = ["fan", "fan", "joker", "joker", "clown", "mime", "mime"]
    items = ["space1", "space2", "laugh1", "laugh2", "laugh1", "laugh1", "space3"]
    return Interactions.from_arrays(users, items, np.ones(7), item_table=CATALOG)


def _drowning_warnings(weight):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = create_model("content", popularity_weight=weight).fit(_catalog_data())
    return model, [w for w in caught if "popularity_weight" in str(w.message)]


# By hand: the most popular item's prior is ln(1 + 3) / ln(1 + 3) = 1, so the largest
# prior term is the weight itself. float32 has 24 significant bits: its step is 1 on
# [2**23, 2**24) and 2 on [2**24, 2**25). A cosine is at most 1, so the text part is lost
# once the step exceeds 1, from a weight of 2**24 = 16,777,216 on.
@pytest.mark.parametrize("weight", [0.0, 4.0, 2**23, 2**24 - 1])
def test_weights_whose_float32_step_is_at_most_1_are_not_warned_about(weight):
    _, said = _drowning_warnings(weight)
    assert said == []


@pytest.mark.parametrize("weight, prior, step", [(2**24, "1.68e+07", "2"),
                                                 (1e30, "1e+30", "7.56e+22")])
def test_a_weight_whose_float32_step_exceeds_every_cosine_is_warned_at_fit(weight, prior,
                                                                             step):
    _, said = _drowning_warnings(weight)
    assert len(said) == 1
    message = str(said[0].message)
    # 1e30's step: float32(1e30) lies in [2**99, 2**100), where the step is 2**(99 - 23)
    assert 2.0 ** (99 - 23) == pytest.approx(7.56e22, rel=1e-3)
    assert message.startswith(f"content: popularity_weight = {weight!r} makes the popularity "
                              f"prior of the most popular items {prior}, where float32 (the "
                              f"scores' type) steps by {step}, more than the largest text "
                              "score (a cosine, at most 1)")
    assert "use popularity_weight below 1.68e+07" in message


def test_the_warned_weight_does_lose_the_text_part():
    # what the warning says, checked: space3 and laugh2 are equally popular, so with a
    # weight the text can stand beside, the fan's text decides for space3; past the
    # threshold both get the same float32 score and the text decides nothing
    def fan_scores(weight):
        model = create_model("content", popularity_weight=weight).fit(_catalog_data())
        row = model.score_users(model.users_.to_index(["fan"]))[0]
        space3, laugh2 = model.items_.to_index(["space3", "laugh2"])
        return row[space3], row[laugh2]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text_kept, text_lost = fan_scores(1.0), fan_scores(1e30)
    assert text_kept[0] > text_kept[1]
    assert text_lost[0] == text_lost[1]
