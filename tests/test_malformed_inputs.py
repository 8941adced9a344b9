"""Malformed inputs a new user gives, found by trying a few hundred of them (issue #9,
points 2, 5 and 6): each must end in one line saying what, where and what would be right
(a :class:`~recstack.errors.RecstackError`, exit status 2 from the CLI), or in a correct
result; never a traceback, a hang or a silently wrong answer.

The tables hold one case per class of bug found, not every input tried; each case failed
before the fix it guards.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from recstack.cli import main
from recstack.config import load_experiment
from recstack.data.synthetic import generate
from recstack.errors import ConfigError, RecstackError
from recstack.experiment import run_experiment
from recstack.models.persistence import _metadata_digest, _sha256, load_model
from recstack.models.registry import create_model

SMALL = "synthetic:n_users=120,n_items=90,n_interactions=2000,seed=0"


def run_cli(capsys, *argv: str) -> tuple[int, str]:
    """Exit status and stderr of one command run in-process; an exception escaping
    ``main`` (what a user sees as a traceback) fails the test by itself."""
    try:
        code = main(list(argv))
    except SystemExit as stop:  # argparse's own refusals
        code = stop.code
    return code, capsys.readouterr().err


def write_experiment(folder: Path, body: str) -> Path:
    path = folder / "exp.toml"
    path.write_text(f'name = "exp"\n[data]\nsource = "{SMALL}"\n' + body, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def data():
    return generate(n_users=60, n_items=40, n_interactions=1200, seed=0)


@pytest.fixture(scope="module")
def fitted(data):
    return {name: create_model(name).fit(data) for name in ("most_popular", "item_knn")}


# --------------------------------------------------------------------------- the CLI
@pytest.mark.parametrize(("argv", "says"), [
    # a comma-separated flag with a bad element used to say "invalid <lambda> value"
    (["data", "info", SMALL, "--rating-range", "a,b"], "comma-separated numbers, got 'a,b'"),
    (["data", "info", SMALL, "--column-names", "user_id,,item_id"], "comma-separated"),
    # an empty path is the working folder for pathlib: --out "" tried to replace it
    (["data", "synth", "--out", ""], "expected a path, got an empty string"),
    (["evaluate", ""], "expected a path, got an empty string"),
    # an empty text option
    (["data", "info", SMALL, "--encoding", ""], "expected a value, got an empty string"),
])
def test_malformed_flags_are_refused_by_the_parser_in_words(capsys, argv, says):
    code, err = run_cli(capsys, *argv)
    assert code == 2 and says in err and "<lambda>" not in err


def test_a_download_url_that_is_not_a_url_is_one_line(tmp_path, capsys):
    code, err = run_cli(capsys, "data", "fetch", "movielens-100k", "--url", "notaurl",
                        "--cache-dir", str(tmp_path), "--force")
    assert code == 2
    assert err.startswith("recstack: error: could not download notaurl") and "file:///" in err
    assert len(err.strip().splitlines()) == 1


def test_running_out_of_memory_is_one_line_with_what_to_do(capsys, monkeypatch):
    import recstack.cli as cli

    def exhausted(args):
        raise MemoryError("Unable to allocate 7.28 TiB")

    monkeypatch.setattr(cli, "_data_info", exhausted)
    code, err = run_cli(capsys, "data", "info", SMALL)
    assert code == 2 and "out of memory" in err and "7.28 TiB" in err
    assert len(err.strip().splitlines()) == 1


# --------------------------------------------------------------------------- experiment files
def test_a_repeated_metric_is_refused_up_front_naming_the_file_and_key(tmp_path):
    path = write_experiment(tmp_path, '[split]\nmethod = "random"\n[evaluation]\n'
                            'metrics = ["ndcg", "recall", "ndcg"]\n[[models]]\n'
                            'type = "most_popular"\n')
    with pytest.raises(ConfigError, match=r"exp\.toml: \[evaluation\] metrics = .*each "
                                          r"metric once \(repeated: ndcg\)"):
        load_experiment(path)


@pytest.mark.parametrize(("body", "says"), [
    # errors that depend on the data came without the file and table they stem from
    ('[split]\nmethod = "leave_last_out"\nn = 1000\n[[models]]\ntype = "most_popular"\n',
     r"exp\.toml: \[split\] leave_last_out split left no test rows"),
    ('[split]\nmethod = "random"\n[evaluation]\nrelevance_threshold = 1e300\n'
     '[[models]]\ntype = "most_popular"\n',
     r"exp\.toml: \[evaluation\] no test user has a relevant item"),
    ('[[filters]]\ntype = "k_core"\nuser_min = 1000\n[split]\nmethod = "random"\n'
     '[[models]]\ntype = "most_popular"\n',
     r"exp\.toml: filter step 1 of 1, k_core"),
    # a fit that diverges named the model only (factors = 2**62, which could not fit in
    # memory, is now refused when the file is read, naming its key: tests/models/
    # test_sixty_eighth_probe_width_declarations.py)
    ('[split]\nmethod = "random"\n[[models]]\ntype = "als"\nalpha = 3e38\niterations = 2\n',
     r"exp\.toml: \[\[models\]\] #1 \(als\): the factors diverged to NaN"),
])
def test_errors_found_while_running_name_the_part_of_the_file(tmp_path, body, says):
    experiment = load_experiment(write_experiment(tmp_path, body))
    with pytest.raises(RecstackError, match=says):
        run_experiment(experiment)


def test_an_experiment_error_is_one_cli_line_with_exit_status_2(tmp_path, capsys):
    path = write_experiment(tmp_path, '[split]\nmethod = "random"\n[[models]]\ntype = "als"\n'
                            "regularization = 3e38\niterations = 2\n")
    code, err = run_cli(capsys, "evaluate", str(path), "--out", str(tmp_path / "out"))
    assert code == 2 and "regularization=3e+38" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- hyperparameters
@pytest.mark.parametrize(("model", "params", "says"), [
    # a seed beyond 64 bits passed validation, then overflowed in recommend
    ("random", {"seed": 10**20}, "seed must be <= 4294967295"),
    ("als", {"factors": -(2**70)}, "factors must be >= 1, got a negative 22-digit integer"),
    # a thread count beyond a C int overflowed inside implicit / numpy
    ("als", {"num_threads": 2**40}, "num_threads must be <= 4096"),
    ("bpr", {"num_threads": 5000}, "num_threads must be <= 4096"),
])
def test_integer_hyperparameters_beyond_what_the_solvers_take_are_refused(data, model, params,
                                                                          says):
    with pytest.raises(ConfigError, match=says):
        create_model(model, **params).fit(data)


@pytest.mark.parametrize(("model", "params", "says"), [
    # widths are bounded where they are declared (the memory refusal is for widths below)
    ("als", {"factors": 2**61, "iterations": 1}, r"^als: factors must be <= 65536"),
    ("bpr", {"factors": 2**61, "epochs": 1}, r"^bpr: factors must be <= 65536"),
    ("als", {"alpha": 3e38, "iterations": 2}, "the factors diverged to NaN"),
    # BPR's NaN factors were kept: every list came back empty (ids -1, scores NaN)
    # refused before training since 1e20 x 0.01 >= 1 (see refuse_overshooting_decay)
    ("bpr", {"learning_rate": 1e20, "epochs": 2},
     r"^bpr: learning_rate x regularization = 1e\+20 x 0\.01 = 1e\+18 is 1 or more: .* "
     r"use learning_rate below 1 / regularization = 100 "),
    # refused before training: 0.01 x 3e38 >= 1 flips the factors' signs every step
    ("bpr", {"regularization": 3e38, "epochs": 2},
     r"^bpr: learning_rate x regularization = 0\.01 x 3e\+38 = 3e\+36 is 1 or more"),
])
def test_a_fit_that_cannot_work_says_why_and_leaves_no_model(data, model, params, says):
    recommender = create_model(model, **params)
    with pytest.raises(RecstackError, match=says):
        recommender.fit(data)
    assert not recommender.is_fitted


# --------------------------------------------------------------------------- the Python API
USER_LISTS = {
    "nested list": lambda ids: [[ids[0]], [ids[1]]],
    "2-D array": lambda ids: np.array([[ids[0], ids[1]]]),
    "ragged list": lambda ids: [[ids[0]], ids[1]],
    "set": lambda ids: {ids[0], ids[1]},
    "dict": lambda ids: {ids[0]: 1},
}


@pytest.mark.parametrize("shape", list(USER_LISTS))
@pytest.mark.parametrize("method", ["recommend", "score", "similar_items"])
def test_ids_that_are_not_a_flat_list_are_refused_in_words(fitted, data, shape, method):
    model = fitted["item_knn"]
    source = data.items if method == "similar_items" else data.users
    ids = USER_LISTS[shape](source.external_ids[:2].tolist())
    call = {"recommend": lambda: model.recommend(ids, k=3),
            "score": lambda: model.score(ids, [data.items.external_ids[0]] * 2),
            "similar_items": lambda: model.similar_items(ids, k=3)}[method]
    with pytest.raises(RecstackError, match="expected one id or a (flat )?list of ids"):
        call()


def test_a_generator_of_ids_is_read_like_a_list(fitted, data):
    model = fitted["most_popular"]
    users = data.users.external_ids[:3]
    from_list = model.recommend(list(users), k=5)
    from_generator = model.recommend((u for u in users), k=5)
    np.testing.assert_array_equal(from_list[0], from_generator[0])
    assert from_generator[0].shape == (3, 5)


def test_a_huge_k_is_refused_but_a_k_just_beyond_the_catalog_is_padded(fitted, data):
    model = fitted["item_knn"]
    user = [data.users.external_ids[0]]
    # this allocated 7 TiB of padding (MemoryError)
    with pytest.raises(ConfigError, match=r"k = 1000000000000 is larger than the catalog "
                                          r"\(40 items\).*use k <= 40"):
        model.recommend(user, k=10**12)
    with pytest.raises(ConfigError, match="larger than the catalog"):
        model.similar_items([data.items.external_ids[0]], k=10**12)
    items, scores = model.recommend(user, k=43)
    assert items.shape == (1, 43) and np.isneginf(scores[0, 40:]).all()
    with pytest.raises(ConfigError, match="k must be a positive integer, got True"):
        model.recommend(user, k=True)


def test_yes_no_arguments_refuse_truthy_text(fitted, data, tmp_path):
    model = fitted["most_popular"]
    # "no" is truthy: seen items were excluded, and a saved model replaced
    with pytest.raises(ConfigError, match="exclude_seen must be True or False, got 'no'"):
        model.recommend([data.users.external_ids[0]], k=3, exclude_seen="no")
    model.save(tmp_path / "model")
    stamp = (tmp_path / "model" / "model.json").stat().st_mtime_ns
    with pytest.raises(RecstackError, match="overwrite must be True or False, got 'no'"):
        model.save(tmp_path / "model", overwrite="no")
    assert (tmp_path / "model" / "model.json").stat().st_mtime_ns == stamp


# --------------------------------------------------------------------------- saved models
def _forge_ids(folder: Path, name: str, dtype: str) -> None:
    """Rewrite one id array in another dtype with consistent checksums (a buggy writer)."""
    arrays = dict(np.load(folder / "arrays.npz"))
    arrays[name] = arrays[name].astype(dtype)
    np.savez(folder / "arrays.npz", **arrays)
    meta = json.loads((folder / "model.json").read_text())
    meta["arrays"] = {k: {"dtype": v.dtype.str, "shape": list(v.shape)}
                      for k, v in arrays.items()}
    meta["sha256"] = {"arrays.npz": _sha256(folder / "arrays.npz"),
                      "model.json": _metadata_digest(meta)}
    (folder / "model.json").write_text(json.dumps(meta))


@pytest.mark.parametrize("name", ["base__user_ids", "base__item_ids"])
def test_saved_ids_pandas_cannot_index_are_refused_on_load(fitted, tmp_path, name):
    folder = tmp_path / "model"
    fitted["most_popular"].save(folder)
    _forge_ids(folder, name, "float16")  # was NotImplementedError from pandas
    with pytest.raises(RecstackError, match="half-precision"):
        load_model(folder)


# --------------------------------------------------------------------------- recstack tune
TUNE_BASE = ('[split]\nmethod = "random"\n[[models]]\ntype = "als"\nfactors = 8\n'
             "iterations = 2\n[tune]\nmodel = \"als\"\ntrials = 2\n")


@pytest.mark.parametrize(("tune", "says"), [
    # "step" was accepted and ignored; a fractional int range silently truncated
    ('[tune.space]\nfactors = { type = "int", low = 4, high = 8, step = 0 }',
     r"space\.factors: step = 0: expected a positive whole number"),
    ('[tune.space]\nfactors = { type = "int", low = 4.5, high = 8 }',
     r"space\.factors: needs whole numbers low < high"),
    ('[tune.space]\nfactors = { type = "int", low = 4, high = 8, log = "yes" }',
     r'space\.factors: log = "yes": expected true or false'),
    # ends and choices the model refuses failed only inside a trial, or not at all
    ('[tune.space]\nfactors = { type = "int", low = -5, high = 8 }',
     r"space\.factors: low = -5: factors must be >= 1"),
    ('[tune.space]\nfactors = { type = "float", low = 4, high = 8 }',
     r"space\.factors: low = 4\.0: factors must be int"),
    ('[tune.space]\nfactors = { type = "categorical", choices = [4, [8]] }',
     r"space\.factors: choices: \[8\] is not a plain value"),
    # optuna's uniform draw overflowed
    ('[tune.space]\nregularization = { type = "float", low = -1e308, high = 1e308 }',
     r"space\.regularization: .*wider than a float can hold"),
    # optuna's sampler takes a 32-bit seed
    ("seed = 4294967296", r"seed = 4294967296: must be in \[0, 4294967295\]"),
    # a condition that could never hold, or that names what is drawn after it
    ('[tune.space]\nfactors = { type = "int", low = 4, high = 8, when = { alpha = [1] } }\n'
     'alpha = { type = "categorical", choices = [1, 2] }',
     r"space\.factors\.when: 'alpha' is not a dimension listed before 'factors' "
     r"\(those are: none\)"),
    ('[tune.space]\nalpha = { type = "float", low = 1, high = 2 }\n'
     'factors = { type = "int", low = 4, high = 8, when = { alpha = [1.5] } }',
     r"space\.factors\.when: 'alpha' is not a categorical dimension"),
    ('[tune.space]\nalpha = { type = "categorical", choices = [1.0, 2.0] }\n'
     'factors = { type = "int", low = 4, high = 8, when = { alpha = [3.0] } }',
     r"space\.factors\.when: alpha = 3\.0 is not one of its choices \[1\.0, 2\.0\]"),
    ('[tune.space]\nalpha = { type = "categorical", choices = [1.0, 2.0] }\n'
     'factors = { type = "int", low = 4, high = 8, when = { alpha = 1.0 } }',
     r"space\.factors\.when: alpha = 1\.0: expected a non-empty list"),
    ('[tune.space]\nfactors = { type = "int", low = 4, high = 8, when = "always" }',
     r"space\.factors\.when: expected a table naming earlier categorical dimensions"),
])
def test_a_malformed_search_space_is_refused_when_the_file_is_read(tmp_path, tune, says):
    path = write_experiment(tmp_path, TUNE_BASE + tune + "\n")
    with pytest.raises(ConfigError, match=r"exp\.toml: \[tune\] " + says):
        load_experiment(path)


def test_tuning_with_a_wide_experiment_seed_and_a_cutoff_beyond_the_catalog(tmp_path):
    from recstack.tuning import tune

    # the experiment's seed (the widest one, 2**32 - 1) seeds optuna when [tune] gives none
    wide = write_experiment(tmp_path, TUNE_BASE).read_text().replace(
        'name = "exp"', 'name = "exp"\nseed = 4294967295')
    (tmp_path / "wide.toml").write_text(wide)
    result = tune(load_experiment(tmp_path / "wide.toml"))
    assert result.best_params["factors"] >= 1
    beyond = write_experiment(tmp_path, TUNE_BASE + 'metric = "ndcg@5000"\n')
    with pytest.raises(ConfigError, match=r"metric = \"ndcg@5000\": K = 5000 is larger "
                                          r"than the catalog"):
        tune(load_experiment(beyond))


# --------------------------------------------------------------------------- data in Python
@pytest.mark.parametrize(("arguments", "says"), [
    # numpy's and pandas' own errors, or a silent merge
    (([1, 2], [1]), "2 user ids but 1 item id"),
    ((np.array([[1, 2]]), np.array([[1, 2]])), "flat list, got an array of shape"),
    (([1, "1"], [1, 2]), "ids mix text and other types"),
    (([1, 2], [1, 2], [1.0]), r"column 'value': has shape \(1,\) for 2 interactions"),
    (([1, 2], [1, 2], ["a", "b"]), r"column 'value': holds <U1 values"),
    (([1, 2], [1, 2], None, [1.0, np.nan]), "column 'timestamp': holds NaN"),
    (([1, 2], [1, 2], None, ["2020-01-01", "x"]), "column 'timestamp': holds <U10"),
    (([1, 2], [1, 2], None, [2**70, 1]), "column 'timestamp': holds times out of range"),
])
def test_interactions_from_malformed_columns_say_which_column(arguments, says):
    from recstack.data.interactions import Interactions
    from recstack.errors import DataFormatError

    with pytest.raises(DataFormatError, match=says):
        Interactions.from_arrays(*arguments)


@pytest.mark.parametrize("rating_range", [(5, 1), (np.nan, 5), ("a", 5)])
def test_an_unusable_rating_range_is_refused(rating_range):
    from recstack.data.interactions import Interactions

    with pytest.raises(RecstackError, match="rating_range"):
        Interactions.from_arrays([1, 2], [1, 2], [1.0, 2.0], rating_range=rating_range)


@pytest.mark.parametrize(("split", "says"), [
    # numpy's errors for a seed, a comparison of text with a number...
    (lambda s, d: s.random_split(d, "0.2"), r"random: test_fraction = '0\.2': expected a number"),
    (lambda s, d: s.random_split(d, 0.2, seed=-1),
     r"random: seed = -1: must be in \[0, 4294967295\]"),
    (lambda s, d: s.random_split(d, 0.2, seed=1.5),
     r"random: seed = 1\.5: not a whole number; a seed is a whole number in "
     r"\[0, 4294967295\]"),
    # ... or a silent answer: n=1.5 held out two rows per user, n=True one
    (lambda s, d: s.leave_last_out(d, 1.5), "leave_last_out: n = 1.5: expected an integer"),
    (lambda s, d: s.leave_last_out(d, True), "leave_last_out: n = True: expected an integer"),
    # a generator: the error came only when the first fold was asked for
    (lambda s, d: s.kfold_split(d, 2.5), "kfold: k = 2.5: expected an integer"),
    (lambda s, d: s.given_split(d, np.zeros(3, bool)), r"is_test has shape \(3,\)"),
])
def test_split_functions_check_their_arguments_at_the_call(data, split, says):
    from recstack.data import splits

    with pytest.raises(ConfigError, match=says):
        split(splits, data)


def test_split_functions_take_numpy_numbers(data):
    from recstack.data import splits

    cutoff = np.int64(np.median(data.timestamp))
    by_numpy = splits.temporal_split(data, cutoff)
    assert by_numpy.report.params["cutoff"] == int(cutoff)
    assert len(splits.random_split(data, np.float64(0.25), seed=np.int64(3)).test) > 0


@pytest.mark.parametrize(("settings", "says"), [
    ({"metrics": ()}, "metrics must be a non-empty list"),  # returned {} silently
    ({"metrics": "ndcg"}, "metrics must be a non-empty list"),
    ({"ks": 10}, "ks must be a list of positive integers"),  # TypeError
    ({"ks": (True,)}, "ks must be a list of positive integers"),  # read as K = 1
    ({"relevance_threshold": "4"}, "relevance_threshold must be a finite number"),
    ({"graded": "yes"}, "graded must be True or False"),
    ({"batch_size": 0}, "batch_size must be a positive integer"),
    ({"batch_size": 2.5}, "batch_size must be a positive integer"),
])
def test_evaluator_settings_are_checked_when_it_is_made(settings, says):
    from recstack.evaluation.evaluator import Evaluator

    with pytest.raises(ConfigError, match=says):
        Evaluator(**settings)


def test_evaluating_something_that_is_not_a_model_says_so(data):
    from recstack.data.splits import random_split
    from recstack.evaluation.evaluator import Evaluator

    split = random_split(data, 0.2)
    with pytest.raises(RecstackError, match="expected a fitted recommender"):
        Evaluator().evaluate("als", split.train, split.test)


def test_an_empty_column_name_is_refused_not_read_as_the_default(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,rating\n1,1,4\n1,2,5\n")
    # --user-col " " fell back to user_id without a word
    code, err = run_cli(capsys, "data", "info", str(path), "--user-col", " ")
    assert code == 2 and ("argument --user-col: expected a non-empty value (leave it out for the "
                          "default), got ' '") in err
    experiment = write_experiment(tmp_path, '[split]\nmethod = "random"\n[[models]]\n'
                                  'type = "most_popular"\n').read_text()
    experiment = experiment.replace(f'source = "{SMALL}"', f'source = "{path}"\nitem_col = ""')
    (tmp_path / "exp.toml").write_text(experiment)
    with pytest.raises(ConfigError, match=r"\[data\] item_col = '': expected a non-empty"):
        load_experiment(tmp_path / "exp.toml")


# --------------------------------------------------------------------------- PyTorch models
TORCH_QUICK = {"mf": {"factors": 4, "epochs": 1, "batch_size": 256, "device": "cpu"},
               "two_tower": {"dim": 4, "hidden": 8, "epochs": 1, "batch_size": 256,
                             "device": "cpu"}}


@pytest.mark.parametrize(("model", "params", "says"), [
    # torch's RuntimeError "Storage size calculation overflowed"
    ("mf", {"factors": 2**62}, r"^mf: factors must be <= 65536"),
    ("two_tower", {"dim": 2**62}, r"^two_tower: dim must be <= 65536"),
    # (a recent_items of 2**62, numpy's "Maximum allowed dimension exceeded" once, now fits:
    # the window is capped at the longest history, tests/models/test_forty_seventh_probe_*)
    # scikit-learn's InvalidParameterError from the text SVD
    ("two_tower", {"seed": 2**40}, r"seed must be <= 4294967295"),
    # "" is the working folder: pathlib's ValueError after the first epoch
    ("two_tower", {"checkpoint_dir": ""}, "checkpoint_dir must be a folder path"),
])
def test_torch_models_refuse_what_they_cannot_build(data, model, params, says):
    pytest.importorskip("torch")
    with pytest.raises(RecstackError, match=says):
        create_model(model, **{**TORCH_QUICK[model], **params}).fit(data)


def test_a_checkpoint_folder_is_never_a_folder_of_the_users_files(data, tmp_path):
    pytest.importorskip("torch")
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "thesis.txt").write_text("keep")
    # each epoch swapped the folder for the checkpoint and deleted the old one
    with pytest.raises(RecstackError, match="holds files that are not a recstack checkpoint"):
        create_model("two_tower", **TORCH_QUICK["two_tower"], checkpoint_dir=str(mine)).fit(data)
    assert (mine / "thesis.txt").read_text() == "keep"
    with pytest.raises(RecstackError, match="name a folder of its own"):
        create_model("two_tower", **TORCH_QUICK["two_tower"], checkpoint_dir=".").fit(data)


def test_a_damaged_checkpoint_is_one_error_naming_it(data, tmp_path):
    pytest.importorskip("torch")
    folder = tmp_path / "ck"
    create_model("two_tower", **TORCH_QUICK["two_tower"], checkpoint_dir=str(folder)).fit(data)
    (folder / "state.json").write_text("{not json")
    with pytest.raises(RecstackError, match=r"not a readable checkpoint: its state\.json is "
                                            r"not valid JSON \(line 1, column 2: "):
        create_model("two_tower", **TORCH_QUICK["two_tower"], checkpoint_dir=str(folder)).fit(data)


def test_an_encoding_whose_codec_refuses_the_file_is_one_line(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id\n1,10\n")
    # utf-16 without a byte-order mark: codecs' UnicodeError, not a UnicodeDecodeError
    code, err = run_cli(capsys, "data", "info", str(path), "--encoding", "utf-16")
    assert code == 2 and "cannot be read as utf-16 text" in err and str(path) in err


@pytest.mark.parametrize(("line", "says"), [
    # a label becomes a results file name: "File name too long" came after every model
    # was fitted and evaluated
    # (the label itself shown cut: its first 60 and last 20 characters, and its length)
    ('label = "' + "a" * 230 + '"',
     r'label = "a{60}\.\.\.a{20}" \(230 characters\): 230 bytes long; .*at most 200 bytes'),
    ('label = "x\\ny"', r'label = "x\\ny": .*no line breaks, tabs or other control'),
])
def test_a_model_label_that_cannot_be_a_file_name_is_refused_up_front(tmp_path, line, says):
    path = write_experiment(tmp_path, '[split]\nmethod = "random"\n[[models]]\n'
                            f'type = "most_popular"\n{line}\n')
    with pytest.raises(ConfigError, match=r"exp\.toml: \[\[models\]\] #1 " + says):
        load_experiment(path)


@pytest.mark.parametrize(("call", "says"), [
    # numpy counted -1 from the end: the last user's rows, without a word
    (lambda d: d.for_users([-1]), r"positions out of range 0\.\.59 for 60 ids, e\.g\. \[-1\]"),
    (lambda d: d.for_items([10**6]), r"positions out of range 0\.\.39"),
    (lambda d: d.select(np.array([1.5])), "expected a boolean mask or integer positions"),
    (lambda d: d.select(np.zeros(3, bool)), r"mask has \(3,\) entries for 1200 rows"),
    (lambda d: d.between("yesterday"), "between: start: cannot read 'yesterday' as a time"),
    (lambda d: d.implicit(threshold="4"), "threshold must be a finite number"),
    # NaN kept no row at all
    (lambda d: d.implicit(threshold=float("nan")), "threshold must be a finite number"),
    (lambda d: d.with_values(np.ones(3)), r"column 'value': has shape \(3,\)"),
])
def test_interactions_slicing_refuses_positions_it_cannot_honour(data, call, says):
    with pytest.raises(RecstackError, match=says):
        call(data)


def test_filters_must_be_filter_objects(data):
    from recstack.data.filters import apply_filters

    with pytest.raises(ConfigError, match="filter step 1: expected a filter such as KCore"):
        apply_filters(data, ["k_core"])


@pytest.mark.parametrize("ideal", [
    # the truth matrix where the ideal grades go: "setting an array element with a sequence"
    "sparse truth", [[1.0, 0.0], [1.0]],
])
def test_grades_that_are_not_a_dense_matrix_are_refused_in_words(ideal):
    import scipy.sparse as sp

    from recstack.metrics import MetricInputError
    from recstack.metrics.ranking import ndcg_at_k

    grades = np.array([[1.0, 0.0], [0.0, 1.0]])
    if ideal == "sparse truth":
        ideal = sp.csr_matrix(grades)
    with pytest.raises(MetricInputError, match="must be a (dense )?2-D"):
        ndcg_at_k(grades, ideal, 2)


def test_a_default_a_small_synthetic_catalog_cannot_take_fits_it(capsys):
    # "n_genres must be between 1 and 5 ..., got 12", a setting the user never gave; the
    # defaults now fit the sizes given (5 genres, 2 rows per user at least)
    code, err = run_cli(capsys, "data", "info", "synthetic:n_items=5,n_users=2,"
                        "n_interactions=5")
    assert code == 0, err
    code, err = run_cli(capsys, "data", "info", "synthetic:n_items=5,n_users=2,"
                        "n_interactions=5,n_genres=12")
    assert code == 2 and "n_genres must be between 1 and 5" in err and "got 12" in err


# --------------------------------------------------------------------------- torch settings
@pytest.mark.parametrize("name", ["mf", "neural_mf", "sasrec", "two_tower", "lightgcn"])
def test_a_learning_rate_torch_cannot_hold_is_refused_by_name(name):
    """torch keeps step sizes as float32: 1e308 failed inside the optimiser with "value
    cannot be converted to type float without overflow"."""
    pytest.importorskip("torch")
    data = generate(n_users=30, n_items=20, n_interactions=200, seed=0)
    with pytest.raises(ConfigError, match=rf"{name}: learning_rate must be < 3\.4"):
        create_model(name, learning_rate=3.4028234663852886e38).fit(data)


@pytest.mark.parametrize("spread", [0.0, -0.0, 0])
def test_a_zero_initial_spread_is_refused(spread):
    """All-zero factors are a fixed point of iALS: it trained nothing and every score was
    0, reported as an ordinary result."""
    data = generate(n_users=30, n_items=20, n_interactions=200, seed=0)
    with pytest.raises(ConfigError, match=r"^ials: init_stddev must be > 0, got"):
        create_model("ials", factors=4, iterations=1, init_stddev=spread).fit(data)


# a value beyond float32 overflowed where recstack computes (float32 similarities, factors
# and scores): item-kNN's every similarity became 0, the blend's weights summed to inf
@pytest.mark.parametrize(("name", "params"), [
    ("item_knn", {"shrink": 1e308}),
    ("gf_cf", {"alpha": 1e39}),
    ("blend", {"members": [{"type": "most_popular"}, {"type": "item_knn"}],
               "weights": [1e308, 1.0]}),
    ("ease", {"regularization": -1e300}),
])
def test_a_number_beyond_float32_is_refused_by_name(name, params):
    data = generate(n_users=30, n_items=20, n_interactions=200, seed=0)
    key = next(k for k in params if k != "members")
    with pytest.raises(ConfigError, match=rf"^{name}: {key}(\[0\])? must lie within "
                                          r"float32's range"):
        create_model(name, **params).fit(data)


@pytest.mark.parametrize("name", ["dcn_v2", "multitask", "wide_deep"])
def test_the_neural_rankers_bound_their_learning_rate_the_same_way(name):
    from recstack.pipeline.rankers.registry import create_ranker

    with pytest.raises(ConfigError, match=r"learning_rate must be < 3\.4"):
        create_ranker(name, learning_rate=3.4028234663852886e38).validate_params()


@pytest.mark.parametrize(("argv", "says"), [
    # the last of two values won silently
    (["data", "info", "synthetic:n_users=50,n_users=60"],
     "synthetic option 'n_users' is given twice"),
    (["data", "split", "synthetic:n_users=50,n_items=40,n_interactions=500", "--filter",
      "k_core:user_min=5,user_min=6", "--out", "OUT"],
     "argument --filter: k_core:user_min=5,user_min=6: option 'user_min' is given twice"),
])
def test_an_option_given_twice_in_a_spec_is_refused(tmp_path, capsys, argv, says):
    argv = [str(tmp_path / "out") if a == "OUT" else a for a in argv]
    code, err = run_cli(capsys, *argv)
    assert code == 2 and says in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()
