"""Two hundred twenty-third bad-input probe of the embedding store's writes.

A put whose ids repeat one was refused as "ids must be distinct within one put" alone: the
repeated id, its positions, and why two ids written differently (``1`` and ``1.0``,
``"a"`` and ``" a"``) are one were left for the user to find. ``fold_in_users`` named a
missing or nested item id as "ids", an argument it does not take, and a negative event
value was refused by the model as a value "in row 0, column 0" of a sparse matrix the
caller never gave, with advice to edit that matrix. A variant name given twice was
refused by the serve settings with the whole list of names ("got ['a', 'b', 'a']") and by
``VariantAssigner`` with the repeated names, neither saying which entries held them."""

from __future__ import annotations

import decimal
import re

import numpy as np
import pytest

from recstack.errors import ConfigError, DataFormatError
from recstack.serving.embedding_store import fold_in_users, open_store


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "vectors.db") as opened:
        yield opened


@pytest.mark.parametrize("ids, repeated, first, second, how", [
    (["a", "b", "a"], "'a'", 0, 2, ""),
    (np.array([5, 6, 7, 5]), "5", 0, 3, ""),
    ([1, 2, 1.0], "1", 0, 2, " (1 and 1.0 are one id: a whole number is read as its "
                             "integer)"),
    ([np.int64(3), decimal.Decimal("3.0")], "3", 0, 1,
     " (3 and Decimal('3.0') are one id: a whole number is read as its integer)"),
    (["x", "a", " a"], "'a'", 1, 2, " ('a' and ' a' are one id: text is read trimmed of "
                                    "surrounding whitespace)"),
    ([b"q", "q"], "'q'", 0, 1, " (b'q' and 'q' are one id: bytes are read as UTF-8 text)"),
])
def test_a_repeated_id_is_named_with_its_positions(store, ids, repeated, first, second, how):
    with pytest.raises(ConfigError) as raised:
        store.put("item", ids, np.ones((len(ids), 2)))
    assert str(raised.value) == (f"item ids must be distinct within one put: {repeated} is "
                                 f"at positions {first} and {second}{how}; give each id "
                                 "once, with its one vector")
    assert store.count("item") == 0  # nothing written


def test_a_long_repeated_id_is_cut_in_the_message(store):
    long_id = "x" * 300
    with pytest.raises(ConfigError) as raised:
        store.put("user", [long_id, long_id], np.ones((2, 2)))
    message = str(raised.value)
    assert long_id not in message and "(302 characters) is at positions 0 and 1" in message


def test_distinct_ids_are_stored(store):
    store.put("item", ["a", "b", 1], np.arange(6.0).reshape(3, 2))
    vectors, found = store.get("item", ["b", 1])
    assert found.tolist() == [True, True]
    assert vectors.tolist() == [[2.0, 3.0], [4.0, 5.0]]


@pytest.mark.parametrize("bad, what", [
    (None, "None (a missing id)"), (True, "True, a boolean"), ([0], "[0] (list)")])
def test_fold_in_names_the_item_ids_argument(als, store, bad, what):
    user = als.users_.external_ids[0]
    with pytest.raises(DataFormatError, match=rf"^item_ids: the value at position 1 is "
                                              rf"{re.escape(what)}"):
        fold_in_users(als, store, [user, user], [als.items_.external_ids[0], bad])


def test_a_negative_event_value_is_named_by_its_event(als, store):
    users, items = als.users_.external_ids, als.items_.external_ids
    with pytest.raises(ConfigError) as raised:
        fold_in_users(als, store, [users[0], users[1], users[2]], [items[0], items[1], items[2]],
                      [1.0, -2.0, -0.5])
    assert str(raised.value) == (
        "fold_in_users: values must be >= 0 (each event's weight, read as the model was "
        "trained on: als reads a value as how strong an interaction is); 2 events hold a "
        f"negative one, first event 1 (user {users[1]}, item {items[1]}): -2.0; leave those "
        "events out")
    assert store.count("user") == 0


def test_zero_and_positive_values_fold_in(als, store):
    users, items = als.users_.external_ids, als.items_.external_ids
    report = fold_in_users(als, store, [users[0], users[0]], [items[0], items[1]], [0.0, 2.0])
    assert report.users.tolist() == [users[0]]
    assert store.count("user") == 1


@pytest.mark.parametrize("names, message", [
    (["a", "b", "a"], "variant names must be distinct: 'a' names variants 1 and 3 of the "
                      "list; name each arm once"),
    (["x", "y", "x", "x"], "variant names must be distinct: 'x' names variants 1 and 3 (and "
                           "1 more) of the list; name each arm once"),
])
def test_a_repeated_variant_name_is_named_with_its_entries(names, message):
    from recstack.serving.variants import VariantAssigner

    with pytest.raises(ConfigError) as raised:
        VariantAssigner(names, [1 / len(names)] * len(names), "salt")
    assert str(raised.value) == message


def test_the_settings_name_the_repeated_variant_the_same_way():
    pytest.importorskip("pydantic")
    from recstack.serving.settings import ServiceSettings

    variants = [{"name": "a", "model": "als", "share": 0.5},
                {"name": "b", "model": "als", "share": 0.25},
                {"name": "a", "model": "ease", "share": 0.25}]
    with pytest.raises(ConfigError) as raised:
        ServiceSettings.create(registry="registry", variants=variants)
    assert str(raised.value) == ("serve settings: variant names must be distinct: 'a' names "
                                 "variants 1 and 3 of the list; name each arm once")
