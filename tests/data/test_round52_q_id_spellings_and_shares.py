"""Round 52 (Q): ids in exponent form, and a count given for a split's share.

pandas writes a float id column (integer ids holding a missing value) in exponent form
from 1e16 on, and spreadsheets their large numbers, so an exported-and-reimported log
holds ``"1e+16"`` beside ``"10000000000000000"``: they were kept as two ids without the
:class:`LookalikeIdWarning` that ``"1,000"`` or ``"1000.0"`` beside ``"1000"`` gives.

``user_split(data, test_users=5)`` said the share must be in (0, 1) and "5 users would be
the share 5 / the number of users": the split has the data, so it says which share."""

import warnings
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from recstack.data import Interactions, LookalikeIdWarning
from recstack.data.files import load_table
from recstack.data.splits import temporal_split, user_split
from recstack.errors import ConfigError, DataFormatError


# ------------------------------------------------------------------ exponent-form ids
@pytest.mark.parametrize(("exponent", "plain"), [
    ("1e3", "1000"), ("1E+03", "1000"), ("1.5e3", "1500"), ("-2.50e1", "-25"),
    ("1e+16", "10000000000000000"),
    # pandas' repr of a float id past 2**53: its 17 digits and the zero the exponent adds
    ("1.2345678901234567e+17", "123456789012345670"), ("120e-1", "12")])
def test_an_id_in_exponent_form_beside_its_plain_digits_is_warned_of(tmp_path, exponent,
                                                                     plain):
    path = tmp_path / "log.csv"
    path.write_text(f"user_id,item_id\n{exponent},2\n{plain},3\n")
    with pytest.warns(LookalikeIdWarning, match=rf"'{exponent.replace('+', '[+]')}' "
                                                rf"\(line 2\) and '{plain}' \(line 3\)"):
        data = load_table(path)
    # still kept apart, as written
    assert data.to_frame()["user_id"].tolist() == [exponent, plain]


def test_a_frame_and_an_exponent_beside_another_loose_spelling_warn_too(tmp_path):
    with pytest.warns(LookalikeIdWarning, match=r"'1e3' \(row 0\) and '1000' \(row 1\)"):
        data = Interactions.from_frame(pd.DataFrame({"user_id": ["1e3", "1000"],
                                                     "item_id": [1, 2]}))
    assert data.n_users == 2
    # neither is the plain spelling: the two loose ones pair with each other
    path = tmp_path / "log.csv"
    path.write_text('user_id,item_id\n"1,000",2\n1e3,3\n')
    with pytest.warns(LookalikeIdWarning, match=r"'1,000' \(line 2\) and '1e3' \(line 3\)"):
        load_table(path)


@pytest.mark.parametrize("body", [
    # not whole numbers: 0.001, 12.5, 1e3 is no 1001
    "1e-3,2\n0,3\n", "1.25e1,2\n12,3\n1.25e1,4\n13,5\n", "1e3,2\n1001,3\n",
    # exponent forms alone pair with no other id
    "1e3,2\n2e3,3\n",
    # past any plain id's length: not spelt out (a billion zeros), and no pair
    "1e999999999,2\n1,3\n", "1e500,2\n1e400,3\n"])
def test_other_exponent_forms_are_not_warned_of(tmp_path, body):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id\n" + body)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = load_table(path)
    assert data.n_users == len({line.split(",")[0] for line in body.splitlines()})


# ------------------------------------------------------------------ a count for a share
def _users(n_users, rows_each=2):
    user_ids = np.repeat(np.arange(n_users), rows_each)
    return Interactions.from_arrays(user_ids, np.arange(len(user_ids)) % 7,
                                    timestamps=np.arange(len(user_ids)))


def _users_in(part):
    # the vocabulary is shared by the parts: count the users with rows
    return len(np.unique(part.user_index))


def test_a_count_of_users_says_the_share_it_is_of_these_users():
    data = _users(2_000)
    # 5 / 2,000 = 0.0025, by hand
    with pytest.raises(ConfigError) as refused:
        user_split(data, test_users=5)
    assert str(refused.value) == (
        "user_split: test_users=5 must be in (0, 1): it is the share of users held out of "
        "training, not a count or a percentage: 5 users would be test_users=0.0025 of these "
        "2,000 users, and 5% is 0.05")
    # and that share holds out those 5 users
    assert _users_in(user_split(data, test_users=0.0025).test) == 5


@pytest.mark.parametrize("count", [5, 5.0, np.int64(5), Decimal(5), np.array(5)])
def test_the_share_is_the_shortest_that_rounds_to_the_count(count):
    # 5 / 3,000 = 0.001666...: 0.002 x 3,000 is 6 users, 0.0017 x 3,000 is 5.1, 5 users
    data = _users(3_000)
    with pytest.raises(ConfigError, match=r": 5 users would be test_users=0\.0017 of these "
                                          r"3,000 users, and 5% is 0\.05$"):
        user_split(data, test_users=count)
    assert _users_in(user_split(data, test_users=0.0017).test) == 5


@pytest.mark.parametrize(("count", "meant"), [
    (3, "3 users would be all of these 3 users"),
    (7, "7 users would be more than these 3 users")])
def test_a_count_of_every_user_or_more_says_the_most_that_can_be_held_out(count, meant):
    # 2 of 3 users: 0.7 x 3 = 2.1, two users
    with pytest.raises(ConfigError, match=rf"{meant}, and some must stay in training: at "
                                          r"most 2 \(test_users=0\.7\)"):
        user_split(_users(3), test_users=count)


def test_a_count_of_rows_says_the_share_of_a_temporal_split():
    # 30 / 6,000 = 0.005; a count of 100 or more is no percentage
    data = _users(3_000)
    with pytest.raises(ConfigError) as refused:
        temporal_split(data, test_fraction=30)
    assert str(refused.value) == (
        "temporal split: test_fraction=30 must be in (0, 1): it is the share of all rows, "
        "the latest, held out for test, not a count or a percentage: 30 rows would be "
        "test_fraction=0.005 of these 6,000 rows, and 30% is 0.3")
    with pytest.raises(ConfigError, match=r"not a count: 150 rows would be "
                                          r"test_fraction=0\.025 of these 6,000 rows$"):
        temporal_split(data, test_fraction=150)


@pytest.mark.parametrize("value", [1.5, float("inf"), 0.0, -3])
def test_values_that_are_no_count_keep_the_specs_refusal(value):
    with pytest.raises(ConfigError) as refused:
        user_split(_users(10), test_users=value)
    assert "would be" not in str(refused.value)
    assert str(refused.value).startswith("users: test_users = ")


@pytest.mark.parametrize("key", ["1e3", "1,000"])
def test_a_side_table_key_in_the_loaders_other_spellings_is_refused(key):
    # the side tables' look-alike rule is the loaders': "1e3" and "1,000" for item 1000
    # matched no id, and item 1000 had no title, without a word
    table = pd.DataFrame({"item_id": [key, "2"], "title": ["a", "b"]})
    with pytest.raises(DataFormatError, match=rf"the key '{key}' at row 0 of column "
                                              r"'item_id' is no item id of the interactions, "
                                              r"but is item 1000 written another way"):
        Interactions.from_arrays([1, 1], [1000, 2], item_table=table)
