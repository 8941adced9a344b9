"""A blend's ``weights`` given as a table keyed by member name was refused as "must be
list or tuple", without a word of the list to write. The refusal now says it: the list in
the order of the members where each key names exactly one member, else the key that names
none (or several) and the members there are."""

import pytest

from recstack.errors import ConfigError
from recstack.models import create_model

START = ("blend: weights must be a list with one weight per member, in the order of "
         "members, got a table ")


def _refusal(**params):
    with pytest.raises(ConfigError) as caught:
        create_model("blend", **params).validate_params()
    return str(caught.value)


def test_a_table_naming_every_member_once_is_told_the_list_to_write():
    assert _refusal(weights={"rp3beta": 2, "ease": 1}) == (
        START + "{'rp3beta': 2, 'ease': 1}; write weights = [1, 2]")


def test_a_key_naming_no_member_is_named_with_the_members():
    assert _refusal(weights={"ease": 1, "knn": 2}) == (
        START + "{'ease': 1, 'knn': 2}: 'knn' names no member (members: 'ease', 'rp3beta')")


def test_a_key_in_another_case_is_told_the_spelling():
    assert "'EASE' names no member (did you mean 'ease'?)" in _refusal(
        weights={"EASE": 1, "rp3beta": 2})


def test_a_member_without_a_weight_is_named():
    assert _refusal(weights={"ease": 1}).endswith(
        ": it has no weight for 'rp3beta' (members: 'ease', 'rp3beta')")


def test_a_key_naming_two_members_asks_for_the_list():
    message = _refusal(members=[{"type": "ease"}, {"type": "ease", "regularization": 10.0}],
                       weights={"ease": 1})
    assert message.endswith(": 'ease' names 2 members (members: 'ease', 'ease'); give the "
                            "weights as a list")


def test_the_list_it_says_is_accepted():
    create_model("blend", weights=[1, 2]).validate_params()
