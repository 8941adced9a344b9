"""Sixty-ninth probe: a command-line mistake names the option the user typed.

``recstack evaluate x.toml --n-threads 5000`` was refused as ``n_threads = 5000: must be
at most 4096``, the experiment file's field, which the user had not written;
``recstack --n-threads 2 evaluate x.toml`` said "invalid choice: '2'" with no word of the
option; ``recommend --k`` too large was "k = ..." after a note that it would be served."""

from __future__ import annotations

import pytest

from recstack.cli import main

#: the documented bounds of the settings these flags override (README)
MOST_THREADS = 4096
LARGEST_BATCH = 10_000_000


def _refusal(capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    return capsys.readouterr().err.strip().splitlines()[-1]


@pytest.mark.parametrize(("command", "flag", "value", "expected"), [
    ("evaluate", "--n-threads", MOST_THREADS + 1, f"must be <= {MOST_THREADS}"),
    ("evaluate", "--batch-size", LARGEST_BATCH + 1, f"must be <= {LARGEST_BATCH}"),
    ("demo", "--n-threads", 10**12, f"must be <= {MOST_THREADS}"),
    ("demo", "--batch-size", 10**12, f"must be <= {LARGEST_BATCH}"),
])
def test_a_run_setting_flag_past_its_bound_names_the_flag(capsys, tmp_path, command, flag,
                                                         value, expected):
    argv = [command, str(tmp_path / "x.toml")] if command == "evaluate" else [command]
    line = _refusal(capsys, [*argv, flag, str(value)])
    assert line == f"recstack {command}: error: argument {flag}: {expected}, got {value}"
    assert "n_threads" not in line and "batch_size" not in line


@pytest.mark.parametrize("flag", ["--n-threads", "--batch-size"])
def test_a_run_setting_flag_at_its_bounds_is_taken(flag):
    from recstack.cli import _build_parser

    most = MOST_THREADS if flag == "--n-threads" else LARGEST_BATCH
    for value in (1, most):
        args = _build_parser().parse_args(["evaluate", "x.toml", flag, str(value)])
        assert getattr(args, flag[2:].replace("-", "_")) == value


@pytest.mark.parametrize(("argv", "hint"), [
    (["--n-threads", "2", "evaluate", "x.toml"],
     "(--n-threads 2 was given before the command's name; give it after it: recstack "
     "evaluate ... --n-threads 2)"),
    (["data", "--seed", "3", "split", "x.csv", "--out", "o"],
     "(--seed 3 was given before the command's name; give it after it: recstack data split "
     "... --seed 3)"),
    (["--batch-size", "9", "demo"],
     "(--batch-size 9 was given before the command's name; give it after it: recstack "
     "demo ... --batch-size 9)"),
])
def test_an_option_with_a_value_before_the_command_says_where_it_goes(capsys, argv, hint):
    line = _refusal(capsys, argv)
    assert line.endswith(hint), line


def test_a_real_misspelt_command_still_gets_its_near_name(capsys):
    line = _refusal(capsys, ["evalute", "x.toml"])
    assert "(did you mean 'evaluate'?)" in line and "given before" not in line


@pytest.fixture
def synthetic_data(tmp_path, capsys):
    """A 40-user synthetic log written by `recstack data synth`."""
    data = tmp_path / "syn"
    assert main(["data", "synth", "--users", "40", "--items", "30", "--interactions", "500",
                 "--out", str(data)]) == 0
    capsys.readouterr()
    return data


def _experiment_file(tmp_path, data, evaluation=""):
    experiment = tmp_path / "exp.toml"
    experiment.write_text(f'name = "x"\n[data]\nsource = "{data}"\n[split]\nmethod = "random"\n'
                          f'{evaluation}[[models]]\ntype = "most_popular"\n')
    return experiment


@pytest.fixture
def registry(tmp_path, capsys, synthetic_data):
    experiment = _experiment_file(tmp_path, synthetic_data)
    assert main(["fit", str(experiment), "--model", "most_popular", "--registry",
                 str(tmp_path / "reg")]) == 0
    capsys.readouterr()
    return tmp_path / "reg"


def test_recommend_k_too_large_names_the_flag_without_a_note_first(capsys, registry):
    code = main(["recommend", "most_popular", "--registry", str(registry), "--users", "1",
                 "--k", str(10**12)])
    assert code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines  # no "note: --k ... is served" before the refusal
    assert lines[0].startswith(f"recstack: error: most_popular: recommend: --k = {10**12} is "
                               "larger than the catalog (30 items)"), lines
    assert lines[0].endswith("use --k <= 30")


def test_recommend_k_a_little_above_the_catalog_is_served_with_the_note(capsys, registry):
    assert main(["recommend", "most_popular", "--registry", str(registry), "--users", "1",
                 "--k", "40"]) == 0
    captured = capsys.readouterr()
    assert "--k 40 is more than the model's 30 item(s)" in captured.err
    assert captured.out.startswith("user_id,")


@pytest.mark.parametrize("text", ["5", "1,2,3"])
def test_a_pair_option_with_another_count_says_how_many_as_typed(capsys, tmp_path, text):
    line = _refusal(capsys, ["data", "info", str(tmp_path / "log.csv"), "--rating-range",
                             text])
    assert line == ("recstack data info: error: argument --rating-range: expected 2 "
                    f"comma-separated numbers (e.g. 1,5), got '{text}'")


def test_a_split_refusing_the_data_names_the_option_typed(capsys, tmp_path, synthetic_data):
    code = main(["data", "split", str(synthetic_data), "--method", "kfold", "--k", "100000",
                 "--out", str(tmp_path / "folds")])
    assert code == 2
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line == ("recstack: error: kfold: --k = 100000 folds, but there are only 500 rows, "
                    "so some fold would have no test rows; choose a --k of at most 500")
    assert not (tmp_path / "folds").exists()


def test_an_option_after_the_double_dash_is_not_said_to_be_before_the_command(capsys):
    line = _refusal(capsys, ["evaluate", "--", "x.toml", "--out", "o"])
    assert line == ("recstack evaluate: error: unrecognized arguments: --out o (--out comes "
                    "after '--', which ends the options: give options before '--')")
    # given before the command's name, it still says so
    line = _refusal(capsys, ["--overwrite", "evaluate", "x.toml"])
    assert line.endswith("(--overwrite is an option of recstack evaluate: give it after the "
                         "command's name)")


def test_data_fetch_names_the_url_option_typed(capsys, tmp_path):
    code = main(["data", "fetch", "movielens-100k", "--url", "", "--cache-dir",
                 str(tmp_path / "cache")])
    assert code == 2
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line.startswith("recstack data fetch: error: argument --url: must be a URL such as "
                           ), line


def test_fit_with_an_index_for_a_model_without_vectors_names_the_option(capsys, tmp_path,
                                                                      synthetic_data):
    experiment = _experiment_file(tmp_path, synthetic_data)
    code = main(["fit", str(experiment), "--model", "most_popular", "--registry",
                 str(tmp_path / "reg"), "--index", "exact"])
    assert code == 2
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line.endswith("publish it without an item index (--no-index)"), line
    assert "index=None" not in line



def test_a_report_warning_names_the_options_typed(capsys, tmp_path, synthetic_data,
                                                 python_default_display):
    experiment = _experiment_file(tmp_path, synthetic_data, evaluation="[evaluation]\nks = [5]\n")
    assert main(["evaluate", str(experiment), "--out", str(tmp_path / "res")]) == 0
    capsys.readouterr()
    assert main(["report", str(tmp_path / "res"), "--projection", "none", "--colour-by",
                 "genres"]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines()
                if line.startswith("recstack: warning:")]
    assert warnings == ["recstack: warning: --colour-by = 'genres' is ignored: it colours the "
                        "embedding maps, and --projection none draws none; give --projection "
                        "tsne (or umap) or leave --colour-by out"]
