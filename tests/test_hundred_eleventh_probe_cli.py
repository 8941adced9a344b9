"""Hundred-eleventh bad-input probe of the command line.

- A misspelt command or option printed argparse's usage block above the one-line error,
  burying the did-you-mean; every other refusal is one line (``--help`` prints usage).
- ``recommend --out x.json`` (or ``--out x``, no extension) was refused only after the
  model had been loaded and every list computed.
- ``fit --registry`` somewhere nothing can be written (under a file, on a disk that
  cannot take it) was refused at the publish, after the fit.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from recstack.cli import main


def _refusal(capsys, *argv):
    """The exit status and the whole of stderr of a refused command line."""
    try:
        code = main(list(argv))
    except SystemExit as stopped:
        code = stopped.code
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and "Traceback" not in err, (code, out, err)
    return err


@pytest.mark.parametrize(("argv", "hint"), [
    (["evalute", "x.toml"], "(did you mean 'evaluate'?)"),
    (["data", "infoo", "x"], "(did you mean 'info'?)"),
    (["evaluate", "--overwirte", "x.toml"], "(did you mean '--overwrite'?)"),
    (["--verison"], "(did you mean '--version'?)"),
    (["pipeline", "rnu", "p.toml"], "(did you mean 'run'?)"),
    (["evaluate"], "the following arguments are required: experiment"),
    (["recommend", "m", "--users", "1", "--k", "0"], "argument --k: must be >= 1, got 0"),
])
def test_a_parsing_error_is_one_line_without_the_usage_block(capsys, argv, hint):
    err = _refusal(capsys, *argv)
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "usage:" not in err and lines[0].startswith("recstack") and ": error: " in lines[0]
    assert lines[0].endswith(hint), lines[0]


def test_help_still_prints_the_usage(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["evaluate", "--help"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.startswith("usage: recstack evaluate")


@pytest.fixture()
def no_model_loaded(monkeypatch):
    """Loading a model fails the test: the refusal must come before it."""
    import recstack.serving.commands as commands

    def loaded(*args, **kwargs):
        raise AssertionError("the model was loaded before --out was checked")

    monkeypatch.setattr(commands, "open_artifact", loaded)


@pytest.mark.parametrize(("out", "said"), [
    # in the parser's form for a mistake of one option (round 165)
    ("recs.json", "recstack recommend: error: argument --out: recs.json: ends with .json, but "
                  "the extension chooses what is written: write .csv or .parquet (or .pq), "
                  "e.g. recs.csv"),
    ("recs", "recstack recommend: error: argument --out: recs: has no extension, but the "
             "extension chooses what is written: write .csv or .parquet (or .pq), e.g. "
             "recs.csv"),
    ("recs.txt", "recstack recommend: error: argument --out: recs.txt: ends with .txt, but the "
                 "extension chooses what is written: write .csv or .parquet (or .pq), e.g. "
                 "recs.csv"),
])
def test_recommend_out_in_no_format_is_refused_before_the_model_loads(
        tmp_path, capsys, monkeypatch, no_model_loaded, out, said):
    monkeypatch.chdir(tmp_path)
    err = _refusal(capsys, "recommend", "als", "--registry", "reg", "--users", "1",
                   "--out", out)
    assert err.strip() == said, err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("out", ["recs.csv", "recs.CSV", "recs.parquet", "recs.pq"])
def test_recommend_out_in_a_format_gets_past_the_check(tmp_path, capsys, monkeypatch, out):
    import recstack.serving.commands as commands

    class Reached(Exception):
        pass

    def reached(*args, **kwargs):
        raise Reached

    monkeypatch.setattr(commands, "open_artifact", reached)
    with pytest.raises(Reached):
        main(["recommend", "als", "--registry", str(tmp_path / "reg"), "--users", "1",
              "--out", str(tmp_path / out)])


@pytest.fixture()
def no_fit(monkeypatch):
    import recstack.serving.commands as commands

    def fitted(*args, **kwargs):
        raise AssertionError("the model was fitted before --registry was checked")

    monkeypatch.setattr(commands, "fit_and_publish", fitted)


def test_fit_registry_under_a_file_is_refused_before_the_fit(tmp_path, capsys, no_fit):
    experiment = tmp_path / "exp.toml"
    experiment.write_text('[data]\nsource = "synthetic"\n[[models]]\ntype = "random"\n')
    blocking = tmp_path / "afile"
    blocking.write_text("")
    err = _refusal(capsys, "fit", str(experiment), "--model", "random", "--registry",
                   str(blocking / "reg"))
    assert err.strip() == (f"recstack fit: error: argument --registry: {blocking / 'reg'}: "
                           f"cannot publish there: {blocking} is a file, not a folder; choose "
                           "another --registry"), err


def test_fit_registry_where_nothing_can_be_written_is_refused_before_the_fit(
        tmp_path, capsys, no_fit, monkeypatch):
    import errno
    import tempfile

    experiment = tmp_path / "exp.toml"
    experiment.write_text('[data]\nsource = "synthetic"\n[[models]]\ntype = "random"\n')
    (tmp_path / "ro").mkdir()

    def refused(*args, **kwargs):  # a read-only disk (root passes any permission check)
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkdtemp", refused)
    err = _refusal(capsys, "fit", str(experiment), "--model", "random", "--registry",
                   str(tmp_path / "ro" / "models" / "reg"))
    assert err.strip() == (f"recstack fit: error: argument --registry: "
                           f"{tmp_path / 'ro' / 'models' / 'reg'}: cannot publish there: "
                           "Read-only file system; choose another --registry"), err
    assert not (tmp_path / "ro" / "models").exists()


def test_fit_registry_probe_leaves_nothing_behind(tmp_path):
    from recstack.experiment import folder_write_problem

    assert folder_write_problem(tmp_path / "a" / "b") is None
    assert folder_write_problem(tmp_path) is None
    assert list(Path(tmp_path).iterdir()) == []


@pytest.mark.parametrize(("command", "given", "meant"), [
    (["fit", "exp.toml", "--model", "random"], "s3:/bucket/models", "s3://bucket/models"),
    (["fit", "exp.toml", "--model", "random"], "gcs:bucket", "gcs://bucket"),
    (["recommend", "als", "--users", "1"], "s3:/bucket", "s3://bucket"),
    (["serve"], "s3:/bucket", "s3://bucket"),
    (["skew", "logs"], "hdfs:/models", "hdfs://models"),
])
def test_a_registry_url_without_its_slashes_is_refused(tmp_path, capsys, monkeypatch,
                                                       command, given, meant):
    # read as a local path, `s3:/bucket/models` published into ./s3:/bucket/models
    monkeypatch.chdir(tmp_path)
    err = _refusal(capsys, *command, "--registry", given)
    assert len(err.splitlines()) == 1 and "argument --registry: " in err, err
    assert "has no '//' after the colon" in err and f"write {meant} for" in err, err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("root", ["models", "./s3:/bucket", "C:/models", "s3://bucket/m",
                                  "file:///tmp/models", "models:v2", "/srv/a:b"])
def test_folders_and_urls_are_not_taken_for_mistyped_urls(root):
    from recstack.specs import mistyped_url

    expected = "starts like a URL" if root == "models:v2" else None
    problem = mistyped_url(root)
    assert (problem is None) if expected is None else expected in problem


def test_the_registry_api_refuses_a_url_without_its_slashes(tmp_path, monkeypatch):
    from recstack.errors import ConfigError
    from recstack.serving.registry import ModelRegistry

    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"registry root 's3:/b': starts like a URL .*"
                                          r"write s3://b for the s3 location"):
        ModelRegistry("s3:/b")
    assert list(tmp_path.iterdir()) == []


def test_a_cache_variable_naming_an_unknown_home_is_one_line(capsys, monkeypatch):
    # RECSTACK_CACHE=~nobody/x: Path.expanduser raised a bare RuntimeError traceback
    monkeypatch.setenv("RECSTACK_CACHE", "~no-such-user-h111/cache")
    err = _refusal(capsys, "data", "info", "movielens-100k")
    assert err.strip() == ("recstack: error: RECSTACK_CACHE='~no-such-user-h111/cache': "
                           "cannot find the home folder its '~' names; set RECSTACK_CACHE "
                           "to an absolute folder, or unset it for ~/.cache/recstack"), err


@pytest.mark.parametrize(("argv", "hint"), [
    (["exp.toml"], "(exp.toml is a file, not a command: give the command first, e.g. "
                   "recstack evaluate exp.toml, or recstack pipeline run exp.toml for a "
                   "pipeline file)"),
    (["log.csv"], "(log.csv is a file or folder, not a command: give the command first, "
                  "e.g. recstack data info log.csv)"),
    (["data", "log.parquet"], "(log.parquet is a file or folder, not a command: give the "
                              "command first, e.g. recstack data info log.parquet)"),
    (["pipeline", "p.toml"], "(p.toml is a file, not a command: give the command first, "
                             "e.g. recstack pipeline run p.toml)"),
])
def test_a_file_given_for_the_command_names_the_command(capsys, argv, hint):
    # the command's name left out: "invalid choice: 'exp.toml'" and no more
    err = _refusal(capsys, *argv)
    assert len(err.splitlines()) == 1 and err.strip().endswith(hint), err


def test_a_near_name_still_wins_over_the_file_hint(capsys):
    err = _refusal(capsys, "evalute", "exp.toml")
    assert err.strip().endswith("(did you mean 'evaluate'?)"), err


@pytest.fixture()
def failing_experiment(tmp_path):
    (tmp_path / "log.csv").write_text("u,i\n1,1\n2,2\n")
    path = tmp_path / "fail.toml"
    path.write_text('name = "x"\n[data]\nsource = "log.csv"\nuser_col = "nope"\n'
                    '[split]\nmethod = "random"\n[[models]]\ntype = "als"\n'
                    '[tune]\nmodel = "als"\ntrials = 1\n')
    return path


@pytest.mark.parametrize("command", [
    lambda exp: ["evaluate", str(exp), "--out", "deep/x/res"],
    lambda exp: ["tune", str(exp), "--out", "deep/x/t.toml"],
    lambda exp: ["data", "split", str(exp.with_name("log.csv")), "--user-col", "nope",
                 "--out", "deep/x/split"],
    lambda exp: ["data", "synth", "--users", "5", "--items", "5", "--interactions", "1000",
                 "--out", "deep/x/synth"],
    lambda exp: ["recommend", "als", "--registry", "no-registry", "--users", "1", "--out",
                 "deep/x/r.csv"],
])
def test_a_failed_command_leaves_no_folders_made_for_its_output(
        tmp_path, capsys, monkeypatch, failing_experiment, command):
    # the folders above --out were made before the work and left behind, empty
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    err = _refusal(capsys, *command(failing_experiment))
    # "recstack: error:", or the command's name before it for a mistake of one option
    errors = [line for line in err.splitlines() if re.match(r"recstack[a-z ]*: error: ", line)]
    assert len(errors) == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_folders_that_existed_or_hold_files_are_kept(tmp_path, capsys, monkeypatch,
                                                     failing_experiment):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kept" / "sub").mkdir(parents=True)
    _refusal(capsys, "evaluate", str(failing_experiment), "--out", "kept/sub/new/deeper/res")
    assert [p.name for p in (tmp_path / "kept").iterdir()] == ["sub"]
    assert list((tmp_path / "kept" / "sub").iterdir()) == []


def test_a_command_that_succeeds_makes_the_folders(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["data", "synth", "--users", "50", "--items", "50", "--interactions", "1000",
                 "--out", "made/x/synth"]) == 0
    assert sorted(p.name for p in (tmp_path / "made" / "x" / "synth").iterdir()) == [
        "interactions.parquet", "items.parquet"]
