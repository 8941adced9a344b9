"""Eighth probe: the command line given one user twice."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.cli import main
from recstack.data.interactions import Interactions
from recstack.models.registry import create_model


def _saved_model(tmp_path, users):
    frame = pd.DataFrame({"user_id": users * 3, "item_id": [10, 11, 12] * len(users)})
    frame = frame.iloc[:-1]  # the last user has not seen item 12
    model = create_model("most_popular").fit(Interactions.from_frame(frame))
    model.save(tmp_path / "model")
    return tmp_path / "model"


@pytest.mark.parametrize("users, given, says", [
    ([1, 2], ["2", "1", "2"], "--users: user 2 is given twice; give each user once"),
    # one id once trimmed, as every id reader trims them
    ([1, 2], ["1", " 1"], "--users: '1' and ' 1' are one user (1); give each user once"),
    (["a", "b"], ["b", "b"], "--users: user b is given twice"),
])
def test_recommend_refuses_a_user_given_twice(tmp_path, capsys, users, given, says):
    # the user's list was written twice, ranks 1..K and again 1..K
    model = _saved_model(tmp_path, users)
    out = tmp_path / "lists.csv"
    assert main(["recommend", str(model), "--users", *given, "--k", "2",
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
    assert not out.exists()


def test_recommend_of_distinct_users_writes_one_list_each(tmp_path, capsys):
    model = _saved_model(tmp_path, [1, 2, 3])
    assert main(["recommend", str(model), "--users", "3", "1", "--k", "2"]) == 0
    lists = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    assert lists["user_id"].tolist() == [3, 3, 1, 1]
    assert lists["rank"].tolist() == [1, 2, 1, 2]


@pytest.mark.parametrize("items, interactions", [("2", "20"), ("5", "40"), ("11", "100")])
def test_data_synth_writes_a_small_catalog(tmp_path, capsys, items, interactions):
    # refused for fewer than 12 items, pointing to a synthetic:n_genres=... source that
    # this command cannot take (it has flags for the sizes only)
    out = tmp_path / "synth"
    assert main(["data", "synth", "--users", "20", "--items", items, "--interactions",
                 interactions, "--out", str(out)]) == 0, capsys.readouterr().err
    frame = pd.read_parquet(out / "interactions.parquet")
    assert frame["item_id"].nunique() <= int(items) and len(frame) == int(interactions)
    assert frame.groupby("user_id").size().min() >= 1


def test_data_synth_of_the_default_sizes_is_unchanged(tmp_path, capsys):
    from recstack.data.synthetic import generate

    out = tmp_path / "synth"
    assert main(["data", "synth", "--users", "50", "--items", "40", "--interactions", "600",
                 "--out", str(out)]) == 0
    written = pd.read_parquet(out / "interactions.parquet")
    expected = generate(n_users=50, n_items=40, n_interactions=600, seed=0).to_frame()
    assert written[["user_id", "item_id"]].values.tolist() == \
        expected[["user_id", "item_id"]].values.tolist()
