"""The graph-CF protocol as an experiment file: ``[data] split`` naming a folder of
adjacency-list files (train.txt, valid.txt, test.txt).

Expected numbers are worked by hand in the comments, never taken from the code under test.
"""

import json
import math
from typing import ClassVar

import numpy as np
import pytest

from recstack import experiment as experiment_module
from recstack.cli import main
from recstack.config import load_experiment, parse_experiment
from recstack.errors import ConfigError, RecstackError
from recstack.experiment import run_experiment
from recstack.models import registry
from recstack.models.base import Param, Recommender
from recstack.tuning import tune


def write_split(folder, train, test, valid=None):
    folder.mkdir(parents=True, exist_ok=True)
    parts = {"train": train, "test": test} | ({"valid": valid} if valid is not None else {})
    for part, lines in parts.items():
        (folder / f"{part}.txt").write_text("".join(line + "\n" for line in lines))
    return folder


# users 0..2, items 0..6; items 5 and 6 occur only in the test file (cold items: 3 test rows),
# item 4 only in valid and test, and user 2's
# test item 3 repeats one of their training pairs (masked, so it can never be hit)
TRAIN = ["0 0 1", "1 1 2", "2 0 3"]
VALID = ["0 2", "1 3", "2 4"]
TEST = ["0 4 6", "1 0 5 6", "2 1 3"]


@pytest.fixture
def tiny(tmp_path):
    write_split(tmp_path / "tiny", TRAIN, TEST, VALID)
    return tmp_path


def experiment_file(folder, body):
    path = folder / "exp.toml"
    path.write_text(body)
    return path


def test_most_popular_end_to_end_gives_the_hand_worked_recall_and_ndcg(tiny):
    path = experiment_file(tiny, """
        [data]
        split = "tiny"            # relative to this file's folder
        [evaluation]
        ks = [3]                  # metrics default to recall and ndcg under the protocol
        [[models]]
        type = "most_popular"
    """)
    exp = load_experiment(path)
    assert exp.data.is_graph_cf
    assert exp.evaluation.metrics == ("recall", "ndcg")
    result = run_experiment(exp)
    per_user = result.results[0].per_user
    # popularity over train + valid (the refit data):
    #   item 0: users 0, 2 -> 2; item 1: users 0, 1 -> 2; item 2: users 1, 0 -> 2;
    #   item 3: users 2, 1 -> 2; item 4: user 2 -> 1; items 5, 6: 0
    # ties rank the lower index first; each user's train + valid items are masked:
    #   user 0 masks {0, 1, 2} -> top 3 = [3, 4, 5]; test {4, 6}: hit at rank 2
    #   user 1 masks {1, 2, 3} -> top 3 = [0, 4, 5]; test {0, 5, 6}: hits at ranks 1, 3
    #   user 2 masks {0, 3, 4} -> top 3 = [1, 2, 5]; test {1, 3}: hit at rank 1
    recall = {0: 1 / 2, 1: 2 / 3, 2: 1 / 2}
    inv = 1 / math.log2(3)
    ndcg = {0: inv / (1 + inv),                      # ideal over min(2, 3) = 2 items
            1: (1 + 1 / math.log2(4)) / (1 + inv + 1 / math.log2(4)),  # ideal over 3
            2: 1 / (1 + inv)}                        # item 3 (masked) still in the ideal
    for user in (0, 1, 2):
        assert per_user.loc[user, "recall@3"] == pytest.approx(recall[user], abs=1e-12)
        assert per_user.loc[user, "ndcg@3"] == pytest.approx(ndcg[user], abs=1e-12)
    assert result.results[0].means()["recall@3"] == pytest.approx(
        (1 / 2 + 2 / 3 + 1 / 2) / 3, abs=1e-12)
    # the cold item and the repeated pair are counted in the loader's report, not dropped
    report = result.split_report
    assert report.test_cold_item_rows == 3 and report.items_without_train == 3
    assert report.test_repeated_pair_rows == 1 and report.test_rows == 7


def test_the_protocol_defaults_to_recall_and_ndcg_at_20(tiny):
    exp = parse_experiment({"data": {"split": "tiny"}, "models": [{"type": "ease"}],
                            "tune": {}}, source="e.toml", base=tiny)
    assert exp.evaluation.metrics == ("recall", "ndcg") and exp.evaluation.ks == (20,)
    assert exp.tune.metric == "recall@20" and exp.tune.model is None
    # what the file says wins
    exp = parse_experiment({"data": {"split": "tiny"}, "models": [{"type": "ease"}],
                            "evaluation": {"metrics": ["map"], "ks": [5]}},
                           source="e.toml", base=tiny)
    assert exp.evaluation.metrics == ("map",) and exp.evaluation.ks == (5,)


def test_format_adjacency_is_the_explicit_spelling(tiny):
    exp = parse_experiment({"data": {"split": "tiny", "format": "adjacency"},
                            "models": [{"type": "random"}]}, source="e.toml", base=tiny)
    assert exp.data.is_graph_cf


def test_the_refit_uses_train_plus_valid_and_evaluation_masks_both(tiny, monkeypatch):
    fitted_on = []
    original = Recommender.fit

    def spy(self, train, *args, **kwargs):
        fitted_on.append(set(zip(train.user_index.tolist(), train.item_index.tolist(),
                                 strict=True)))
        return original(self, train, *args, **kwargs)

    monkeypatch.setattr(Recommender, "fit", spy)
    exp = parse_experiment({"data": {"split": "tiny"}, "evaluation": {"ks": [3]},
                            "models": [{"type": "most_popular"}]}, source="e.toml", base=tiny)
    run_experiment(exp)
    # external ids equal the indices here: ids 0..2 and 0..6 are encoded in order
    train_and_valid = {(0, 0), (0, 1), (1, 1), (1, 2), (2, 0), (2, 3),
                       (0, 2), (1, 3), (2, 4)}
    assert fitted_on == [train_and_valid]


class Favourite(Recommender):
    """Toy model: every user gets one item (``item``, an external id) on top."""

    name = "favourite_toy"
    params: ClassVar[dict[str, Param]] = {
        "item": Param(int, default=0, doc="external id of the item ranked first",
                      search={"type": "categorical", "choices": [8, 9]}),
    }

    def _fit(self, train, progress):
        self.top_ = int(train.items.to_index(np.array([self.item]))[0])

    def _score_users(self, user_indices):
        scores = np.zeros((len(user_indices), len(self.items_)), np.float32)
        scores[:, self.top_] = 1.0
        return scores

    def _state(self):
        return {}

    def _load_state(self, arrays):
        pass


@pytest.fixture
def planted(tmp_path, monkeypatch):
    """Validation says item 8, test says item 9: a search that peeked at the test file
    would choose 9."""
    monkeypatch.setitem(registry.MODELS._classes, Favourite.name, Favourite)
    users = range(6)
    write_split(tmp_path / "planted", train=[f"{u} {u} {u + 1}" for u in users],
                valid=[f"{u} 8" for u in users], test=[f"{u} 9" for u in users])
    return tmp_path


def test_tuning_selects_on_the_validation_file_never_the_test_file(planted):
    exp = parse_experiment({"data": {"split": "planted"}, "evaluation": {"ks": [1]},
                            "tune": {"trials": 8, "metric": "recall@1"},
                            "models": [{"type": "favourite_toy", "label": "fav"},
                                       {"type": "most_popular"}]},
                           source="e.toml", base=planted)
    result = run_experiment(exp)
    tuned = result.tuning["fav"]
    tried = {trial["params"]["item"]: trial["value"] for trial in tuned.trials}
    # both were tried: 8 scores 1 on validation (every user's valid item), 9 scores 0
    assert tried == {8: 1.0, 9: 0.0}
    assert tuned.best_params == {"item": 8} and tuned.best_value == 1.0
    # the refit then masks 8 (a valid item), so the test hit rate of the choice is 0: a
    # choice made on the test file would have been item 9, with recall 1
    assert result.results[0].means()["recall@1"] == 0.0
    # most_popular has no search space without timestamps: fitted with its parameters
    assert set(result.tuning) == {"fav"}
    # `recstack tune` searches the same way
    assert tune(exp).best_params == {"item": 8}


def test_tuning_is_handed_the_training_and_validation_files_only(planted, monkeypatch):
    from recstack import tuning

    seen = []
    original = tuning.search

    def spy(model_type, train, validation, *args, **kwargs):
        seen.append((len(train), sorted(set(
            validation.items.to_external(validation.item_index).tolist()))))
        return original(model_type, train, validation, *args, **kwargs)

    monkeypatch.setattr(tuning, "search", spy)
    exp = parse_experiment({"data": {"split": "planted"}, "evaluation": {"ks": [1]},
                            "tune": {"trials": 2, "model": "fav", "metric": "recall@1"},
                            "models": [{"type": "favourite_toy", "label": "fav"}]},
                           source="e.toml", base=planted)
    run_experiment(exp)
    # 6 users x 2 training items; the validation part holds only item 8, never the test's 9
    assert seen == [(12, [8])]


def test_without_a_validation_file_the_models_fit_on_train(tmp_path):
    write_split(tmp_path / "nv", TRAIN, TEST)
    exp = parse_experiment({"data": {"split": "nv"}, "evaluation": {"ks": [3]},
                            "models": [{"type": "most_popular"}]}, source="e.toml",
                           base=tmp_path)
    per_user = run_experiment(exp).results[0].per_user
    # popularity over train only: items 0, 1 -> 2; 2, 3 -> 1; ties by lower index
    # user 0 masks {0, 1} -> [2, 3, 4]; test {4, 6}: hit at rank 3 -> recall 1/2
    assert per_user.loc[0, "recall@3"] == pytest.approx(0.5, abs=1e-12)
    assert per_user.loc[0, "ndcg@3"] == pytest.approx(
        (1 / math.log2(4)) / (1 + 1 / math.log2(3)), abs=1e-12)


def test_cli_evaluate_prints_the_report_and_the_table(tiny, capsys):
    path = experiment_file(tiny, """
        [data]
        split = "tiny"
        [evaluation]
        ks = [3]
        [[models]]
        type = "most_popular"
    """)
    out = tiny / "results"
    assert main(["evaluate", str(path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "3 test rows have an item in neither train nor valid" in printed
    assert "recall@3" in printed and "ndcg@3" in printed
    written = json.loads((out / "results.json").read_text())
    assert written["split"]["test_cold_item_rows"] == 3


# ------------------------------------------------------------------------------ mistakes
@pytest.mark.parametrize(("data", "tune_table", "message"), [
    ({"split": "tiny", "format": "adjacancy"}, None,
     "[data] format = \"adjacancy\": expected one of 'recstack', 'adjacency', 'ncf' (did you "
     "mean "
     "'adjacency'?)"),
    ({"source": "tiny/train.txt", "format": "adjacency"}, None,
     "[data] format = \"adjacency\": says how a split folder is laid out"),
    ({"split": "nowhere", "format": "adjacency"}, None,
     "[data] split = \"nowhere\": no such folder (looked at "),
    ({"split": "tiny", "separator": ","}, None,
     "[data] separator: loader options apply to CSV, TSV and Parquet files, not to a "
     "graph-CF split"),
    ({"split": "tiny"}, {"space": {"regularization": {"type": "float", "low": 1,
                                                      "high": 2}}},
     "[tune] space: a search space is one model's; name it with model = LABEL"),
    ({"split": "tiny"}, {"trials": 0}, "[tune] trials = 0: must be >= 1"),
    ({"split": "tiny"}, {"model": "eas"}, "[tune] model: 'eas' names no model (did you mean"),
    ({"split": "tiny"}, {"metrik": "recall@20"}, "[tune] unknown key 'metrik'"),
    ({"split": "tiny"}, {"model": "most_popular"},
     "[tune] space: model 'most_popular' has no default search space for data without "
     "timestamps"),
])
def test_malformed_tables_are_refused_before_any_data_is_read(tiny, monkeypatch, data,
                                                              tune_table, message):
    def refuse(*args, **kwargs):
        raise AssertionError("data were read")

    monkeypatch.setattr("recstack.data.adjacency.load_adjacency_splits", refuse)
    raw = {"data": data, "models": [{"type": "ease"}, {"type": "most_popular"}]}
    if tune_table is not None:
        raw["tune"] = tune_table
    with pytest.raises(ConfigError) as error:
        parse_experiment(raw, source="e.toml", base=tiny)
    assert str(error.value).startswith("e.toml: ")
    assert message in str(error.value)


def test_a_folder_without_test_file_is_refused_naming_it(tmp_path):
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "train.txt").write_text("0 1\n")
    with pytest.raises(ConfigError, match=r"e\.toml: \[data\] split = \"half\": no test\.txt in"):
        parse_experiment({"data": {"split": "half", "format": "adjacency"},
                          "models": [{"type": "random"}]}, source="e.toml", base=tmp_path)
    # without format = "adjacency" the folder is not recognised as a graph-CF split, but
    # the error still says what it lacks, not that a `recstack data split` folder was meant
    (tmp_path / "half" / "valid.txt").write_text("0 2\n")
    with pytest.raises(ConfigError, match=r"split = \"half\": holds train\.txt, valid\.txt but "
                                          r"no test\.txt; a graph-CF split needs"):
        parse_experiment({"data": {"split": "half"}, "models": [{"type": "random"}]},
                         source="e.toml", base=tmp_path)
    (tmp_path / "file.txt").write_text("0 1\n")
    for layout in ({}, {"format": "adjacency"}):
        with pytest.raises(ConfigError, match=r"split = \"file\.txt\": .*file\.txt is a file; "
                                              r"split names a folder"):
            parse_experiment({"data": {"split": "file.txt"} | layout,
                              "models": [{"type": "random"}]}, source="e.toml", base=tmp_path)


def test_split_and_filters_tables_are_refused_with_graph_cf_data(tiny):
    with pytest.raises(ConfigError, match=r"\[split\] the \[data\] are already split"):
        parse_experiment({"data": {"split": "tiny"}, "split": {"method": "random"},
                          "models": [{"type": "random"}]}, source="e.toml", base=tiny)
    with pytest.raises(ConfigError, match=r"\[\[filters\]\]: the data come already split"):
        parse_experiment({"data": {"split": "tiny"}, "filters": [{"type": "deduplicate"}],
                          "models": [{"type": "random"}]}, source="e.toml", base=tiny)


def test_recstack_tune_needs_one_model_named_when_several_can_be_tuned(tiny):
    exp = parse_experiment({"data": {"split": "tiny"}, "tune": {},
                            "models": [{"type": "ease"}, {"type": "item_knn"}]},
                           source="e.toml", base=tiny)
    with pytest.raises(ConfigError, match=r"\[tune\] model: recstack tune writes one model's"):
        tune(exp)


def test_a_malformed_line_names_the_file_and_line_when_the_run_starts(tmp_path, capsys):
    write_split(tmp_path / "bad", ["0 1 2", "1 2 x3"], ["0 3"], ["0 4"])
    path = experiment_file(tmp_path, '[data]\nsplit = "bad"\n[evaluation]\nks = [1]\n'
                                     '[[models]]\ntype = "most_popular"\n')
    with pytest.raises(RecstackError, match=r"bad/train\.txt:2: 'x3' is not an integer id"):
        run_experiment(load_experiment(path))
    assert main(["evaluate", str(path), "--out", str(tmp_path / "r")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_graph_cf_folder_as_a_source_reads_every_part_as_one_dataset(tiny):
    from recstack.data.sources import SOURCES, load_source, resolve_source

    assert "adjacency" in SOURCES.names()
    assert resolve_source("tiny", base=tiny).kind_name == "adjacency"
    data = load_source(str(tiny / "tiny"))
    # 6 train + 3 valid + 7 test rows, of which (2, 3) repeats a training pair
    assert len(data) == 15 and data.n_items == 7


def test_run_does_not_touch_the_generic_split_loader(tiny, monkeypatch):
    """The protocol reads its files with the adjacency loader, not the parquet/CSV path."""
    monkeypatch.setattr(experiment_module, "load_source", lambda *a, **k: 1 / 0)
    exp = parse_experiment({"data": {"split": "tiny"}, "evaluation": {"ks": [3]},
                            "models": [{"type": "most_popular"}]}, source="e.toml", base=tiny)
    assert run_experiment(exp).results[0].per_user.shape[0] == 3


def test_a_tune_metric_cutoff_beyond_the_catalog_is_refused_on_both_paths(tiny, monkeypatch,
                                                                          capsys):
    """`recstack evaluate` (tune_models) quietly searched recall@50 on a catalog of 7
    items (the evaluator clips the lists); `recstack tune` refused it. One check for both,
    before any model is fitted."""
    fitted = []
    monkeypatch.setattr(Recommender, "fit", lambda self, *a, **k: fitted.append(self))
    path = experiment_file(tiny, """
        [data]
        split = "tiny"
        [evaluation]
        ks = [3]
        [tune]
        metric = "recall@50"
        trials = 2
        [[models]]
        type = "ease"
    """)
    # items 0..6 over the three files (one vocabulary): 7 items
    expected = (f"{path}: [tune] metric = \"recall@50\": K = 50 is larger than the catalog "
                "(7 items in the training part); use K <= 7, e.g. metric = \"recall@7\"")
    exp = load_experiment(path)
    with pytest.raises(ConfigError) as error:
        run_experiment(exp)
    assert str(error.value) == expected
    with pytest.raises(ConfigError) as error:
        tune(exp)
    assert str(error.value) == expected
    assert fitted == []
    assert main(["evaluate", str(path), "--out", str(tiny / "out")]) != 0
    assert expected in capsys.readouterr().err
    assert not (tiny / "out").exists()


def test_a_tune_metric_cutoff_equal_to_the_catalog_is_searched(tiny):
    exp = parse_experiment({"data": {"split": "tiny"}, "evaluation": {"ks": [3]},
                            "tune": {"trials": 1, "metric": "recall@7"},
                            "models": [{"type": "ease"}]}, source="e.toml", base=tiny)
    assert run_experiment(exp).tuning["ease"].metric == "recall@7"


def test_the_protocol_s_default_tune_metric_is_checked_and_named_as_the_default(tiny):
    # [tune] without a metric searches recall@20; the catalog holds 7 items
    exp = parse_experiment({"data": {"split": "tiny"}, "evaluation": {"ks": [3]},
                            "tune": {"trials": 1}, "models": [{"type": "ease"}]},
                           source="e.toml", base=tiny)
    with pytest.raises(ConfigError) as error:
        run_experiment(exp)
    assert str(error.value) == (
        "e.toml: [tune] metric = \"recall@20\" (the default): K = 20 is larger than the catalog "
        "(7 items in the training part); use K <= 7, e.g. metric = \"recall@7\"")
