"""Twenty-first bad-input probe, the genre mix of an item catalog with missing genres: a
catalog whose ``genres`` column is text (one genre per item) with an empty cell read that
cell as NaN, and the drift step stopped with a bare ``TypeError: 'float' object is not
iterable``; a list holding None or NaN counted them as genres of their own. Now a missing
cell or entry is no genre, and names are trimmed, as the maps read them."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.ops.drift import genre_mix, genre_weights
from tests.ops.scenario import make_data, write_pipeline


def _window(genres: list) -> Interactions:
    # items 0..n-1, each interacted with once by its own user
    n = len(genres)
    table = pd.DataFrame({"item_id": np.arange(n), "genres": pd.Series(genres, dtype=object)})
    return Interactions.from_frame(pd.DataFrame({"user_id": np.arange(n),
                                                 "item_id": np.arange(n)}), item_table=table)


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA])
def test_a_missing_genre_cell_is_no_genre(missing):
    weights = genre_weights(_window(["Drama", missing, "Comedy", "Drama"]))
    # four interactions, one on an item without a genre: Drama 2, Comedy 1
    assert weights == {"Drama": 2.0, "Comedy": 1.0}


def test_missing_entries_of_a_list_are_no_genres_and_names_are_trimmed():
    weights = genre_weights(_window([["Drama", None], [np.nan, " Comedy "], [], ["", "Drama"]]))
    # each item's present genres share its one interaction: Drama 1 + 1, Comedy 1
    assert weights == {"Drama": 2.0, "Comedy": 1.0}
    tv, _ = genre_mix(weights, {"Drama": 1.0, "Comedy": 1.0})
    # shares 2/3, 1/3 against 1/2, 1/2: TV = (1/6 + 1/6) / 2
    assert tv == pytest.approx(1 / 6)


def test_a_pipeline_over_a_catalog_with_empty_genre_cells_measures_the_mix(tmp_path, capsys):
    from recstack.cli import main

    make_data(tmp_path)
    items = pd.read_parquet(tmp_path / "items.parquet")
    items["genres"] = pd.Series(["Drama" if i % 2 else "Comedy" for i in range(len(items))],
                                dtype=object)
    items.loc[items.index[:50], "genres"] = None
    items.to_parquet(tmp_path / "items.parquet")
    path = write_pipeline(tmp_path)
    assert main(["pipeline", "run", "--quiet", str(path)]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "published as shop@1" in captured.out
    run = next((tmp_path / "shop.pipeline" / "runs").iterdir())
    measures = json.loads((run / "drift" / "drift.json").read_text())["measures"]
    assert 0.0 <= measures["genre_tv"] <= 1.0
