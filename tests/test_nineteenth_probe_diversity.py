"""Nineteenth bad-input probe, ``[evaluation] metrics = ["diversity"]``: the experiment file
accepted the metric, but the runner built its evaluator without item vectors, so every run
that asked for it failed after fitting its first model ("the diversity metric needs
item_features"), whatever the data held. It now reads the genre vectors of the item table
(as the report's genre diversity does), and data without genres are refused before any
model is fitted. Each test failed before its fix."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.cli import main
from recstack.config import parse_experiment
from recstack.errors import ConfigError
from recstack.experiment import run_experiment


def _folder(tmp_path, genres):
    """A data folder as `recstack data synth` writes it: 4 items, 6 users who each rated
    three of them."""
    folder = tmp_path / "data"
    folder.mkdir()
    users = [u for u in range(6) for _ in range(3)]
    items = [(u + i) % 4 for u in range(6) for i in range(3)]
    pd.DataFrame({"user_id": users, "item_id": items}).to_parquet(
        folder / "interactions.parquet")
    pd.DataFrame({"item_id": range(4), "genres": genres}).to_parquet(folder / "items.parquet")
    return folder


def _experiment(tmp_path, source="data"):
    return parse_experiment({
        "data": {"source": source}, "split": {"method": "random", "test_fraction": 0.4},
        "evaluation": {"metrics": ["recall", "diversity"], "ks": [2]},
        "models": [{"type": "most_popular"}, {"type": "random", "seed": 1}],
    }, source="x.toml", base=tmp_path)


@pytest.mark.parametrize("genres, expected", [
    # one genre of its own per item: the genre vectors of two items are orthogonal, cosine
    # distance 1 for every pair of every list
    ([["A"], ["B"], ["C"], ["D"]], 1.0),
    # one genre for all: every pair has cosine 1, distance 0
    ([["A"], ["A"], ["A"], ["A"]], 0.0),
])
def test_diversity_is_that_of_the_item_tables_genres(tmp_path, genres, expected):
    _folder(tmp_path, genres)
    result = run_experiment(_experiment(tmp_path), out=None)
    for model in result.results:
        values = model.per_user["diversity@2"]
        assert len(values) > 0
        assert values.tolist() == pytest.approx([expected] * len(values))


def test_data_without_an_item_table_are_refused_before_any_fit(tmp_path, monkeypatch):
    (tmp_path / "log.csv").write_text("user_id,item_id\n" + "".join(
        f"{u},{(u + i) % 4}\n" for u in range(6) for i in range(3)))
    fitted = []
    from recstack.models.baselines import MostPopular

    monkeypatch.setattr(MostPopular, "fit", lambda self, *a, **k: fitted.append(1))
    with pytest.raises(ConfigError, match=r"^x.toml: \[evaluation\] metrics: 'diversity' is "
                                          r"the intra-list diversity of the items' genre "
                                          r"vectors, read from the item table's 'genres' "
                                          r"column, but the data have no item table; drop "
                                          r"'diversity'"):
        run_experiment(_experiment(tmp_path, "log.csv"))
    assert fitted == []


def test_an_item_table_without_genres_is_refused_naming_its_columns(tmp_path, capsys):
    folder = _folder(tmp_path, [["A"], ["B"], ["A"], ["B"]])
    pd.DataFrame({"item_id": range(4), "title": list("abcd")}).to_parquet(
        folder / "items.parquet")
    (tmp_path / "x.toml").write_text(
        'name = "div"\n[data]\nsource = "data"\n[split]\nmethod = "random"\n'
        'test_fraction = 0.4\n[evaluation]\nmetrics = ["diversity"]\nks = [2]\n'
        '[[models]]\ntype = "most_popular"\n')
    assert main(["evaluate", str(tmp_path / "x.toml"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert ("[evaluation] metrics: 'diversity' is the intra-list diversity of the items' "
            "genre vectors, read from the item table's 'genres' column, but the item table "
            "has no 'genres' column (it has: 'item_id', 'title')") in err
    assert not (tmp_path / "out").exists()
