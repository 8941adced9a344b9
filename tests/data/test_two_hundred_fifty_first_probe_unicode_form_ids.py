"""IdMap.to_index names an unknown text id that the map holds in another Unicode form
(NFC/NFD, which look alike on screen); other unknown ids keep their refusal."""

from __future__ import annotations

import unicodedata

import pytest

from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions
from recstack.errors import RecstackError

COMPOSED = unicodedata.normalize("NFC", "café")    # 'caf\xe9'
DECOMPOSED = unicodedata.normalize("NFD", "café")  # 'cafe\u0301'


def test_decomposed_id_in_a_map_of_the_composed_one():
    data = Interactions.from_arrays([COMPOSED, "u"], ["a", "b"])
    with pytest.raises(RecstackError) as caught:
        data.users.to_index([DECOMPOSED], what="user ids")
    message = str(caught.value)
    assert message.startswith("1 unknown user id (of 1 looked up)")
    assert "'cafe\\u0301' is the id 'caf\\xe9' of this map written in another Unicode " \
           "form (the map holds its NFC form)" in message
    assert "unicodedata.normalize('NFC', id)" in message


def test_composed_id_in_a_map_of_the_decomposed_one_trimmed():
    with pytest.raises(RecstackError, match=r"the map holds its NFD form"):
        IdMap([DECOMPOSED, "b"]).to_index([" " + COMPOSED])


def test_other_unknown_ids_have_no_such_words():
    for ids, asked in ((["a", "b"], "z"), ([1, 2], "x"), ([COMPOSED], "cafe")):
        with pytest.raises(RecstackError) as caught:
            IdMap(ids).to_index([asked])
        assert "Unicode form" not in str(caught.value)


def test_found_ids_and_ignore_are_unchanged():
    ids = IdMap([COMPOSED, "b"])
    assert ids.to_index([COMPOSED, "b"]).tolist() == [0, 1]
    assert ids.to_index([DECOMPOSED], missing="ignore").tolist() == [-1]
