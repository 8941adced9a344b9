import json

import numpy as np
import pandas as pd
import pytest

from recstack import experiment as experiment_module
from recstack.config import load_experiment, parse_experiment
from recstack.errors import ConfigError, RecstackError
from recstack.experiment import run_experiment
from recstack.models.base import Recommender

SMALL = "synthetic:n_users=300,n_items=200,n_interactions=6000,seed=1"


def small_experiment(**changes):
    raw = {"name": "small", "data": {"source": SMALL}, "split": {"method": "random"},
           "evaluation": {"metrics": ["ndcg", "hit_rate"], "ks": [5]},
           "models": [{"type": "most_popular"}, {"type": "random"}]} | changes
    return parse_experiment(raw, source="small.toml")


@pytest.fixture
def no_fitting(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise AssertionError("a model was fitted")

    monkeypatch.setattr(Recommender, "fit", refuse)


@pytest.fixture
def no_loading(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("data were loaded")

    monkeypatch.setattr(experiment_module, "load_source", refuse)


def test_an_existing_result_folder_is_refused_before_any_data_is_loaded(tmp_path, no_loading):
    out = tmp_path / "results"
    out.mkdir()
    (out / "summary.csv").write_text("old")
    # without results.json it is no earlier results: --overwrite would be refused too
    with pytest.raises(RecstackError, match=r"is a folder of other files \(summary.csv\), "
                                            r"not earlier results \(no results.json\)"):
        run_experiment(small_experiment(), out=out)
    assert (out / "summary.csv").read_text() == "old"


def test_an_unwritable_output_location_is_refused_before_any_data_is_loaded(tmp_path,
                                                                            no_loading):
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder would be needed")
    with pytest.raises(RecstackError, match="cannot write the results there"):
        run_experiment(small_experiment(), out=blocker / "results")
    with pytest.raises(RecstackError, match="is a file"):
        run_experiment(small_experiment(), out=blocker)


def test_a_k_larger_than_the_catalog_is_refused_before_fitting(no_fitting):
    experiment = small_experiment(evaluation={"metrics": ["ndcg"], "ks": [5, 10_000]})
    from recstack.data.sources import load_source

    n_items = load_source(SMALL).n_items
    with pytest.raises(ConfigError) as error:
        run_experiment(experiment)
    assert str(error.value) == (
        f"small.toml: [evaluation] ks = [5, 10000]: K = 10000 is larger than the catalog "
        f"({n_items:,} items after loading and filtering); use K <= {n_items}")


def test_results_are_written_as_a_whole_and_replaced_only_with_overwrite(tmp_path):
    out = tmp_path / "results" / "small"
    result = run_experiment(small_experiment(), out=out)
    assert sorted(p.name for p in out.iterdir()) == [
        "per_user_most_popular.csv", "per_user_random.csv", "results.json", "summary.csv"]
    assert [p.name for p in out.parent.iterdir()] == ["small"]  # no staging debris
    summary = pd.read_csv(out / "summary.csv", index_col="model")
    assert summary.loc["most_popular", "ndcg@5"] == pytest.approx(
        result.results[0].per_user["ndcg@5"].mean())
    with pytest.raises(RecstackError, match="already exist"):
        run_experiment(small_experiment(), out=out)
    run_experiment(small_experiment(models=[{"type": "random"}]), out=out, overwrite=True)
    assert "per_user_most_popular.csv" not in {p.name for p in out.iterdir()}


def write_csv(path, rows):
    path.write_text("who;what;stars\n" + "".join(f"{u};{i};{v}\n" for u, i, v in rows))


def test_data_already_split_with_loader_options_and_the_table_counts(tmp_path):
    # item popularity in train: a 4, b 2, c 1, d 1; most_popular recommends each user's
    # two most popular unseen items.
    write_csv(tmp_path / "train.csv", [("u1", "a", 5), ("u1", "b", 3), ("u2", "a", 4),
                                       ("u2", "b", 4), ("u3", "a", 2), ("u3", "c", 5),
                                       ("u4", "a", 1), ("u4", "d", 3)])
    # relevant (>= 4): u1's c and u3's b; u2's and u4's test rows are below the threshold
    write_csv(tmp_path / "test.csv", [("u1", "c", 5), ("u2", "c", 2), ("u3", "b", 4),
                                      ("u4", "b", 1)])
    (tmp_path / "exp.toml").write_text("""
[data]
train = "train.csv"
test = "test.csv"
separator = ";"
user_col = "who"
item_col = "what"
value_col = "stars"
[evaluation]
metrics = ["hit_rate"]
ks = [2]
relevance_threshold = 4.0
[[models]]
type = "most_popular"
""")
    result = run_experiment(load_experiment(tmp_path / "exp.toml"))
    table = result.table()
    # u1 is recommended c and d (a, b seen): hit; u3 is recommended b and d: hit
    assert table.loc["most_popular", "hit_rate@2"] == 1.0
    assert table.loc["most_popular", "users"] == 2
    assert table.loc["most_popular", "no_relevant"] == 2
    text = result.format_table()
    assert "users evaluated" in text and "no relevant item" in text
    assert "95% confidence interval" in text and "±" in text


def test_filters_are_refused_on_data_already_split(tmp_path):
    write_csv(tmp_path / "t.csv", [("u1", "a", 1)])
    raw = {"data": {"train": str(tmp_path / "t.csv"), "test": str(tmp_path / "t.csv")},
           "filters": [{"type": "k_core"}], "models": [{"type": "random"}]}
    with pytest.raises(ConfigError, match=r"x.toml: \[\[filters\]\]: the data come already "
                                          "split"):
        parse_experiment(raw, source="x.toml")


def test_the_table_shows_confidence_intervals_from_the_per_user_values():
    from scipy import stats

    result = run_experiment(small_experiment())
    table = result.table()
    values = result.results[0].per_user["ndcg@5"].to_numpy()
    low, high = stats.t.interval(0.95, len(values) - 1, loc=values.mean(),
                                 scale=stats.sem(values))
    assert table.loc["most_popular", "ndcg@5_ci_low"] == pytest.approx(low)
    assert table.loc["most_popular", "ndcg@5_ci_high"] == pytest.approx(high)
    assert table.loc["most_popular", "users"] == len(values)


def test_kfold_experiments_average_each_users_values_over_the_folds(tmp_path):
    experiment = small_experiment(split={"method": "kfold", "k": 2, "seed": 3},
                                  models=[{"type": "most_popular"}])
    result = run_experiment(experiment, out=tmp_path / "cv")
    folds = result.fold_results["most_popular"]
    assert len(folds) == 2 and len(result.split_reports) == 2
    first, second = (f.per_user["ndcg@5"] for f in folds)
    both = first.index.intersection(second.index)
    assert len(both) > 0
    user = both[0]
    combined = result.results[0].per_user["ndcg@5"]
    assert combined[user] == pytest.approx((first[user] + second[user]) / 2)
    assert set(combined.index) == set(first.index) | set(second.index)
    saved = json.loads((tmp_path / "cv" / "results.json").read_text())
    assert len(saved["folds"]["most_popular"]) == 2 and len(saved["split"]) == 2


def test_a_toy_split_registered_in_one_place_is_usable_from_files_and_the_cli(tmp_path,
                                                                            capsys):
    """Adding a split touches one file: registering it is enough for experiment files and
    for the CLI (whose flags are made from the registry when the parser is built)."""
    from dataclasses import dataclass

    from recstack.cli import _build_parser, main
    from recstack.data import splits
    from recstack.specs import option

    @splits.SPLITS.register("every_other")
    @dataclass(frozen=True)
    class EveryOther(splits.SplitSpec):
        """Odd rows to test."""

        offset: int = option(1, "first test row", low=0, high=1)

        def apply(self, data):
            return [splits.given_split(data, np.arange(len(data)) % 2 == self.offset)]

    try:
        experiment = small_experiment(split={"method": "every_other", "offset": 1})
        assert experiment.split == EveryOther(1)
        with pytest.raises(ConfigError, match=r"\[split\] offset = 2: must be in \[0, 1\]"):
            small_experiment(split={"method": "every_other", "offset": 2})
        result = run_experiment(experiment)
        assert result.split_report.method == "given"
        args = _build_parser().parse_args(["data", "split", SMALL, "--method", "every_other",
                                           "--offset", "0", "--out", "x"])
        assert args.offset == 0
        assert main(["data", "split", SMALL, "--method", "every_other", "--offset", "0",
                     "--out", str(tmp_path / "split")]) == 0
        report = json.loads((tmp_path / "split" / "report.json").read_text())
        assert report["method"] == "given" and report["test_rows"] > 0
        assert main(["data", "split", SMALL, "--method", "every_other", "--n", "2",
                     "--out", str(tmp_path / "other")]) == 2
        assert "argument --n: does not apply to the every_other split" in capsys.readouterr().err
    finally:
        splits.SPLITS.unregister("every_other")


def _split_experiment(tmp_path, train_users, test_users, **data):
    pd.DataFrame({"user_id": train_users, "item_id": [1, 2, 1, 2]}).to_parquet(
        tmp_path / "train.parquet")
    pd.DataFrame({"user_id": test_users, "item_id": [2, 1]}).to_parquet(
        tmp_path / "test.parquet")
    return parse_experiment({"data": {"train": "train.parquet", "test": "test.parquet"},
                             "models": [{"type": "most_popular"}]},
                            source="x.toml", base=tmp_path)


def test_parts_with_user_ids_as_numbers_and_as_text_are_refused(tmp_path):
    # joined, 1 and "1" were two users: every test row set apart, a puzzling empty test
    experiment = _split_experiment(tmp_path, [1, 1, 2, 2], ["1", "2"])
    with pytest.raises(RecstackError, match=r"x\.toml: \[data\] the user ids are stored as "
                                            r"numbers in one part and as text in another "
                                            r"\(train as numbers, test as text\)"):
        run_experiment(experiment, out=tmp_path / "out")


def test_an_empty_test_part_says_why_its_rows_were_set_apart(tmp_path):
    experiment = _split_experiment(tmp_path, [1, 1, 2, 2], [1, 2])  # both pairs in train
    with pytest.raises(RecstackError, match=r"2 of them set apart \(2 repeating a training "
                                            r"\(user, item\) pair\)"):
        run_experiment(experiment, out=tmp_path / "out")


def test_a_split_folder_missing_its_test_file_says_so(tmp_path):
    folder = tmp_path / "split"
    folder.mkdir()
    pd.DataFrame({"user_id": [1], "item_id": [1]}).to_parquet(folder / "train.parquet")
    with pytest.raises(ConfigError, match=r"x\.toml: \[data\] split = \"split\": no test\.parquet "
                                          r"in .* beside train\.parquet"):
        parse_experiment({"data": {"split": "split"}, "models": [{"type": "random"}]},
                         source="x.toml", base=tmp_path)


def test_parts_with_different_rating_ranges_are_refused_naming_each():
    # the joined split kept no rating range at all: explicit labels and clipping lost it
    from recstack.data.interactions import Interactions
    from recstack.experiment import combine_parts

    train = Interactions.from_arrays(["u1", "u2"], ["a", "b"], [4.0, 5.0], rating_range=(1, 5))
    test = Interactions.from_arrays(["u1"], ["b"], [7.0], rating_range=(1, 10))
    with pytest.raises(RecstackError, match=r"different rating ranges \(train 1\.\.5, test "
                                            r"1\.\.10\); a split has one rating scale"):
        combine_parts({"train": train, "test": test})
    implicit_test = Interactions.from_arrays(["u1"], ["b"])
    assert combine_parts({"train": train, "test": implicit_test}).train.rating_range == (1, 5)
