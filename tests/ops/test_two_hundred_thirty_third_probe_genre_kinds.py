"""genre_mix refuses genres named by numbers in one weighting and by text in the other,
as the id measures refuse ids of two kinds: ``{5: ...}`` and ``{"5": ...}`` counted as two
genres, a total variation of 1 (no genre in common) without a word."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.ops.drift import genre_mix


def test_genres_of_two_kinds_are_refused():
    with pytest.raises(RecstackError, match=r"^genre_mix: the reference names genres as "
                       r"numbers and the new weights as text; give both as numbers or both "
                       r"as text \(5 and '5' would count as different genres\)$"):
        genre_mix({5: 1.0}, {"5": 1.0})
    with pytest.raises(RecstackError, match=r"^genre_mix: the reference names genres as "
                       r"text and the new weights as numbers"):
        genre_mix({"Drama": 1.0}, {np.int64(3): 1.0})
    # one genre written alike in both, of two kinds, among genres of one kind
    with pytest.raises(RecstackError, match=r"^genre_mix: the reference names a genre 5 "
                       r"and the new weights '5': written alike, but different genres"):
        genre_mix({5: 1.0, "Drama": 1.0}, {"5": 1.0, "Drama": 1.0})


def test_genres_of_one_kind_still_compare():
    # by hand: p = (1/2, 1/2), q = (1, 0) over (a, b): TV = (1/2 + 1/2) / 2 = 0.5
    assert genre_mix({"a": 1.0, "b": 1.0}, {"a": 2.0})[0] == pytest.approx(0.5)
    # numpy and Python integers name one genre: the same mix
    assert genre_mix({np.int64(1): 3.0}, {1: 1.0})[0] == 0.0
    with pytest.raises(RecstackError, match="sum to 0"):
        genre_mix({}, {"a": 1.0})
