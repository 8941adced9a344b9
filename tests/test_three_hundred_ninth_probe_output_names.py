"""Three-hundred-ninth probe: output paths that name no file, judged as typed.

``Path`` reads some texts as another path without a word: ``Path("sub/.")`` is ``sub``
(``tune --out sub/.`` wrote the file ``sub``), ``Path(".")`` has no name (``recommend
--out .`` failed with "ValueError: PosixPath('.') has an empty name"), and ``--out ..``
was told "e.g. ...csv". A file name ending in a dot or a space was written as another
file than the one meant (``a.csv.``), a name of only an extension (``.csv``) as a hidden
file. Every file option (``recommend``, ``tune``, ``report``, ``pipeline report`` --out)
and the Python writers behind :func:`recstack.atomic.checked_output` now refuse them in
one line naming what to write instead; folder options refuse a name padded with spaces,
as the experiment file's ``output`` is. Each test failed before the fix."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import recstack.atomic as atomic
import recstack.data.synthetic as synthetic
import recstack.tuning
from recstack.cli import _output_path, _refuse_recommendations_format, main, output_file
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.results import EvaluationResult
from recstack.experiment import check_output_file

SMALL = "synthetic:n_users=300,n_items=200,n_interactions=6000,seed=1"
RESULT = EvaluationResult("ease", pd.DataFrame({"ndcg@10": [0.1, 0.3]},
                                               index=pd.Index([1, 2], name="user_id")))


@pytest.fixture
def here(tmp_path, monkeypatch):
    """The working folder: tmp_path, with an experiment file and no work allowed."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exp.toml").write_text(
        f'[data]\nsource = "{SMALL}"\n[split]\nmethod = "random"\n[[models]]\n'
        'type = "most_popular"\n[tune]\nmodel = "most_popular"\n')
    (tmp_path / "res").mkdir()

    def no_work(*args, **kwargs):
        raise AssertionError("the work ran before the output was checked")

    monkeypatch.setattr(recstack.tuning, "tune", no_work)
    monkeypatch.setattr(synthetic, "generate", no_work)
    return tmp_path


def _run(capsys, *argv):
    with pytest.raises(SystemExit) as stopped:
        main(list(argv))
    out, err = capsys.readouterr()
    return stopped.value.code, out, err


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


COMMANDS = {
    "recommend": (["recommend", "M", "--users", "a", "--out"], "recommendations.csv"),
    "tune": (["tune", "exp.toml", "--out"], "tuned.toml"),
    "report": (["report", "res", "--out"], "report.html"),
    "pipeline report": (["pipeline", "report", "res", "--out"], "report.html"),
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("given", "problem"), [
    (".", "is the working folder, but a file is written here; give the file's name, "
          "e.g. ./{example}"),
    ("..", "is the folder above the working one, but a file is written here; give the "
           "file's name, e.g. ../{example}"),
    ("sub/.", "ends with '/.', so it names a folder, but a file is written here; give the "
              "file's name, e.g. sub/{example}"),
    ("sub/..", "ends with '/..', so it names a folder, but a file is written here; give "
               "the file's name, e.g. ./{example}"),
    ("~", "names a home folder, but a file is written here; give the file's name, e.g. "
          "~/{example}"),
    ("...", "is no file name (only dots and spaces), but a file is written here; give the "
            "file's name, e.g. {example}"),
    ("out/{name}.", "ends with a dot, which makes it another file than 'out/{name}'; write "
                    "it without: 'out/{name}'"),
    ("out/{name} ", "ends with a space, which makes it another file than 'out/{name}'; "
                    "write it without: 'out/{name}'"),
    (" {name}", "starts with a space, which makes it another file than '{name}'; write it "
                "without: '{name}'"),
    ("out/{suffix}", "is only an extension, with no name before it (it would be a hidden "
                     "file named '{suffix}'); give the file's name, e.g. out/{example}"),
])
def test_a_file_option_naming_no_file_is_refused_in_one_line(here, capsys, command, given,
                                                             problem):
    argv, example = COMMANDS[command]
    names = {"example": example, "name": "a" + Path(example).suffix,
             "suffix": Path(example).suffix}
    given, problem = given.format(**names), problem.format(**names)
    before = _tree(here)
    code, out, err = _run(capsys, *argv, given)
    assert code == 2
    assert err.splitlines()[-1] == (f"recstack {command}: error: argument --out: {given!r} "
                                    f"{problem}")
    assert "Traceback" not in err and out == ""
    assert _tree(here) == before  # nothing written, no folder made


def test_recommend_out_dot_no_longer_crashes_and_dotdot_names_a_real_file(here, capsys):
    # were ValueError: PosixPath('.') has an empty name, and "e.g. ...csv"
    _, _, err = _run(capsys, "recommend", "M", "--users", "a", "--out", ".")
    assert err.endswith("e.g. ./recommendations.csv\n")
    _, _, err = _run(capsys, "recommend", "M", "--users", "a", "--out", "..")
    assert err.endswith("e.g. ../recommendations.csv\n") and "...csv" not in err


def test_the_format_check_of_a_nameless_path_suggests_a_file_inside_it():
    for path, example in [(Path("."), "recommendations.csv"), (Path("/"), "/recommendations.csv"),
                          (Path("..") / "..", "../../recommendations.csv")]:
        with pytest.raises(ConfigError, match=rf"has no extension, .*e\.g\. {example}$"):
            _refuse_recommendations_format(path)


def test_tune_out_sub_dot_is_refused_before_the_search(here, capsys):
    # Path('sub/.') is Path('sub'): the tuned experiment was about to be written as 'sub'
    code, _, err = _run(capsys, "tune", "exp.toml", "--out", "sub/.")
    assert code == 2 and "ends with '/.'" in err
    assert not (here / "sub").exists()


@pytest.mark.parametrize("argv", [
    ["data", "synth", "--out"], ["data", "split", SMALL, "--out"], ["evaluate", "exp.toml",
                                                                     "--out"],
    ["demo", "--out"], ["fit", "exp.toml", "--model", "most_popular", "--registry"],
    ["data", "fetch", "movielens-100k", "--cache-dir"]])
@pytest.mark.parametrize(("given", "end"), [
    ("res2 ", "ends with a space, which makes it another folder than 'res2'; write it "
              "without: 'res2'"),
    ("out/ res2/", "starts with a space, which makes it another folder than 'out/res2'; "
                   "write it without: 'out/res2'"),
    ("res2\u00a0", "ends with the blank '\\xa0', which makes it another folder than "
                   "'res2'; write it without: 'res2'"),
])
def test_a_folder_option_padded_with_spaces_is_refused(here, capsys, argv, given, end):
    before = _tree(here)
    code, _, err = _run(capsys, *argv, given)
    assert code == 2
    assert err.splitlines()[-1].endswith(f"{given!r} {end}")
    assert _tree(here) == before


def test_folder_and_file_names_that_are_fine_are_taken_as_typed():
    # a dot inside or ending a folder name, a hidden file with a name, several extensions
    assert _output_path("v1.") == Path("v1.")
    assert _output_path("runs/2024.05") == Path("runs/2024.05")
    parse = output_file("recommendations.csv")
    assert parse(".hidden.csv") == Path(".hidden.csv")
    assert parse("out/a.b.csv") == Path("out/a.b.csv")
    assert parse("out/a b.csv") == Path("out/a b.csv")
    assert atomic.file_name_problem("./a.csv", "x.csv") is None
    assert atomic.padded_name_problem("a b/c", "folder") is None


def test_a_registry_folder_that_exists_with_such_a_name_is_still_read(here, capsys):
    (here / "models ").mkdir()
    code = main(["recommend", "pop", "--users", "1", "--registry", "models "])
    _, err = capsys.readouterr()
    assert code == 2 and "which makes it another folder" not in err


def test_the_python_writers_judge_the_path_as_given(tmp_path):
    # EvaluationResult.to_json(".../r/.") wrote the JSON into a file named 'r'
    with pytest.raises(RecstackError) as caught:
        RESULT.to_json(f"{tmp_path}/r/.")
    assert str(caught.value) == (f"ease.to_json(path): '{tmp_path}/r/.' ends with '/.', so "
                                 f"it names a folder, but JSON is written here; give the "
                                 f"file's name, e.g. {tmp_path}/r/file.json")
    with pytest.raises(RecstackError, match=r"^x: '.*r\.json\.' ends with a dot, which makes "
                                            r"it another file than '.*r\.json'; write it "
                                            r"without: '.*r\.json'$"):
        atomic.checked_output(f"{tmp_path}/r.json.", "x", suffixes=(".json",), writes="JSON")
    with pytest.raises(RecstackError, match=r"is only an extension"):
        RESULT.to_csv(f"{tmp_path}/.csv")
    assert list(tmp_path.iterdir()) == []


def test_a_file_output_under_a_file_names_the_option(tmp_path):
    (tmp_path / "f.txt").write_text("x\n")
    with pytest.raises(RecstackError) as caught:
        check_output_file(tmp_path / "f.txt" / "a.csv", overwrite=False)
    assert str(caught.value) == (f"{tmp_path}/f.txt/a.csv: cannot write it there: "
                                 f"{tmp_path}/f.txt is a file, not a folder; choose another "
                                 "--out")


def test_data_synth_refuses_a_file_name_in_capitals(here, capsys):
    code = main(["data", "synth", "--out", "S.CSV"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err == ("recstack data synth: error: argument --out: S.CSV: names a file, but "
                   "data synth writes a folder (interactions.parquet and items.parquet); "
                   "e.g. --out S\n")
    assert not (here / "S.CSV").exists()


@pytest.mark.parametrize(("argv", "given", "command", "holds", "meant"), [
    (["data", "split", SMALL], "train.parquet", "data split",
     "the parts as Parquet files and report.json", "train"),
    (["data", "split", SMALL], "out/T.PQ", "data split",
     "the parts as Parquet files and report.json", "out/T"),
    (["evaluate", "exp.toml"], "results.json", "evaluate",
     "results.json, summary.csv and per-user files", "results"),
    (["demo"], "out.csv", "demo", "results.json, summary.csv and per-user files", "out"),
])
def test_a_folder_option_named_as_a_file_is_refused_before_any_work(here, capsys, argv,
                                                                   given, command, holds,
                                                                   meant):
    # data split --out train.parquet made a folder so named, read by other tools as a file
    before = _tree(here)
    code = main([*argv, "--out", given])
    _, err = capsys.readouterr()
    assert code == 2
    assert err == (f"recstack {command}: error: argument --out: {given}: names a file, but "
                   f"{command} writes a folder ({holds}); e.g. --out {meant}\n")
    assert _tree(here) == before


def test_a_run_name_taken_from_the_file_name_is_not_said_as_a_line_of_the_file(tmp_path):
    from recstack.config import load_experiment

    experiment = tmp_path / " x.toml"
    experiment.write_text(f'[data]\nsource = "{SMALL}"\n[split]\nmethod = "random"\n'
                          '[[models]]\ntype = "random"\n')
    with pytest.raises(ConfigError) as caught:
        load_experiment(experiment)
    assert str(caught.value) == (
        f"{experiment}: the run name ' x' (the file's name without its extension, as the "
        "file sets no name =): starts or ends with a space; a run name becomes a file or "
        "folder name, written without them: \"x\"")
