"""ItemContentEncoder (two-tower's item content, public in recstack.models.two_tower):
bad arguments are refused naming the call and the argument, not failed on inside
scikit-learn, numpy or an assert, and not read as another value."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("sklearn")

from recstack.errors import ConfigError, RecstackError  # noqa: E402
from recstack.models.two_tower import ItemContentEncoder  # noqa: E402

TABLE = pd.DataFrame({"genres": ["Action|Comedy", "Drama", "Action", "Comedy|Drama"],
                      "title": ["big red car", "red car", "big boat", "boat car"]})


def fitted(**settings: object) -> ItemContentEncoder:
    return ItemContentEncoder.fit(TABLE, **{"text_dim": 2, "max_tags": 5, "seed": 0,
                                            **settings})


def test_valid_fit_reads_genres_and_title() -> None:
    encoder = fitted()
    # 3 genres (Action, Comedy, Drama) + 2 text dimensions
    assert encoder.n_features == 5
    assert encoder.read_columns == ("genres", "title")
    assert encoder.transform(TABLE).shape == (4, 5)


@pytest.mark.parametrize(("setting", "value", "words"), [
    ("text_dim", -1, "text_dim must be >= 0, got -1"),        # was read as 0
    ("max_tags", -3, "max_tags must be >= 0, got -3"),        # was read as 0
    ("text_dim", 2.5, "text_dim must be int, got 2.5"),       # scikit-learn's error
    ("text_dim", True, "text_dim must be int, got True"),
    ("seed", -1, "seed must be >= 0, got -1"),                # scikit-learn's error
    ("seed", 2**40, "seed must be <= 4294967295, got 1099511627776"),
])
def test_fit_settings_refused_by_two_towers_declarations(setting: str, value: object,
                                                         words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        fitted(**{setting: value})
    assert str(caught.value).startswith(f"two_tower: ItemContentEncoder.fit: {words}")


def test_fit_settings_take_numpy_integers_as_the_ints_they_name() -> None:
    encoder = fitted(text_dim=np.int64(2), max_tags=np.int8(5), seed=np.uint32(0))
    assert np.array_equal(encoder.transform(TABLE), fitted().transform(TABLE))


@pytest.mark.parametrize("table", [[1, 2], {"genres": ["Drama"]}, "items.csv"])
def test_fit_and_transform_refuse_a_table_that_is_not_a_dataframe(table: object) -> None:
    kind = type(table).__name__
    with pytest.raises(RecstackError, match=rf"ItemContentEncoder\.fit takes item-table rows "
                                            rf"\(a pandas DataFrame .*got {kind}$"):
        ItemContentEncoder.fit(table, text_dim=2, max_tags=5, seed=0)  # type: ignore[arg-type]
    with pytest.raises(RecstackError, match=rf"ItemContentEncoder\.transform takes item-table "
                                            rf"rows .*got {kind}$"):
        fitted().transform(table)  # type: ignore[arg-type]


def test_transform_without_a_table_refused_when_fitted_on_content() -> None:
    # was a bare AssertionError (and, under python -O, an error further on)
    with pytest.raises(RecstackError, match=r"table is None, but this content was fitted on "
                                            r"the item table's columns \['genres', 'title'\]"):
        fitted().transform(None, 4)


def test_no_content_transform_gives_n_rows_constant_rows() -> None:
    encoder = ItemContentEncoder.fit(None, text_dim=2, max_tags=5, seed=0)
    assert not encoder.has_content
    assert np.array_equal(encoder.transform(None, 3), np.ones((3, 1), np.float32))
    assert encoder.transform(None, np.int64(2)).shape == (2, 1)
    assert encoder.transform(None).shape == (0, 1)


@pytest.mark.parametrize("n_rows", [-2, 2.7, "3", True])
def test_no_content_transform_refuses_n_rows_that_is_no_count(n_rows: object) -> None:
    # -2 failed inside numpy; 2.7 gave 2 rows and "3" gave 3 without a word
    encoder = ItemContentEncoder.fit(None, text_dim=2, max_tags=5, seed=0)
    with pytest.raises(ConfigError, match=r"ItemContentEncoder\.transform: n_rows must be a "
                                          r"whole number >= 0"):
        encoder.transform(None, n_rows)  # type: ignore[arg-type]


def test_from_state_names_the_arrays_it_lacks() -> None:
    state = fitted().state()
    assert np.array_equal(ItemContentEncoder.from_state(state).transform(TABLE),
                          fitted().transform(TABLE))
    del state["content_text_idf"]
    with pytest.raises(RecstackError, match=r"the arrays lack 'content_text_idf' \(of the 7 "):
        ItemContentEncoder.from_state(state)  # was KeyError: 'content_text_idf'
    with pytest.raises(RecstackError, match=r"takes the dict of arrays .* got list"):
        ItemContentEncoder.from_state([])  # type: ignore[arg-type]
