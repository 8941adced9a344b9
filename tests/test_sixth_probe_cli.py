"""Sixth bad-input probe, the command line: outputs that landed somewhere else than asked,
or inside the data being read. Each test failed before its fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.cli import main
from recstack.data.partitioned import write_partitioned
from recstack.data.sources import load_source
from recstack.data.synthetic import generate

SMALL = "synthetic:n_users=80,n_items=60,n_interactions=1500,seed=1"


def _run(capsys, *argv: str) -> tuple[int, str]:
    try:
        code = main(list(argv))
    except SystemExit as stop:  # argparse refuses the argument itself
        code = stop.code
    return code, capsys.readouterr().err


def _experiment(tmp_path: Path, source: str = SMALL) -> Path:
    path = tmp_path / "exp.toml"
    path.write_text(f'[data]\nsource = "{source}"\n[split]\nmethod = "random"\n'
                    '[evaluation]\nmetrics = ["ndcg"]\nks = [10]\n'
                    '[[models]]\ntype = "most_popular"\n[tune]\nmodel = "most_popular"\n'
                    'trials = 1\n')
    return path


@pytest.mark.parametrize("command", [
    ["tune", "EXP", "--out"],
    ["report", "RESULTS", "--out"],
    ["recommend", "MODEL", "--users", "1", "--out"],
    ["pipeline", "report", "RUN", "--out"],
])
def test_a_file_output_ending_in_a_slash_is_refused(tmp_path, capsys, monkeypatch, command):
    # Path() drops the slash: `tune --out sub/` wrote the tuned experiment as a file 'sub'
    monkeypatch.chdir(tmp_path)
    _experiment(tmp_path)
    argv = [str(tmp_path / "exp.toml") if part == "EXP" else part for part in command]
    code, err = _run(capsys, *argv, "sub/")
    assert code == 2
    assert "argument --out: 'sub/' ends with '/', so it names a folder, but a file is " \
           "written here; give the file's name, e.g. sub/" in err
    assert not (tmp_path / "sub").exists()


@pytest.mark.parametrize("command", [["pipeline", "run"], ["pipeline", "report"]])
def test_an_empty_pipeline_path_is_refused(capsys, command):
    # '' was the working folder: "'.: not a completed pipeline run'"
    code, err = _run(capsys, *command, "")
    assert code == 2 and "expected a path, got an empty string" in err


@pytest.fixture
def partitioned(tmp_path: Path) -> Path:
    data = generate(n_users=80, n_items=60, n_interactions=1500, months=3, seed=1)
    write_partitioned(data, tmp_path / "logs")
    return tmp_path / "logs"


@pytest.mark.parametrize("command", [
    ["data", "split", "LOGS", "--out", "LOGS/split"],
    ["evaluate", "EXP", "--out", "LOGS/results"],
    ["tune", "EXP", "--out", "LOGS/tuned.toml"],
])
def test_an_output_inside_a_partitioned_source_is_refused(tmp_path, capsys, partitioned,
                                                          command):
    # the split went into the folder it read, and the folder could no longer be read:
    # "Could not read schema from 'logs/split/report.json'"
    before = sorted(p.relative_to(partitioned) for p in partitioned.rglob("*"))
    experiment = _experiment(tmp_path, source=str(partitioned))
    argv = [part.replace("LOGS", str(partitioned)).replace("EXP", str(experiment))
            for part in command]
    code, err = _run(capsys, *argv)
    assert code == 2
    assert f"{argv[-1]}: lies inside " in err and "a partitioned Parquet folder" in err
    assert sorted(p.relative_to(partitioned) for p in partitioned.rglob("*")) == before
    assert len(load_source(str(partitioned))) == 1500


def test_fetch_with_a_name_and_list_is_refused(capsys):
    # the name was ignored: the list printed, nothing fetched, status 0
    code, err = _run(capsys, "data", "fetch", "movielens-100k", "--list")
    assert code == 2 and "--list only lists the known datasets and fetches nothing; drop " \
                         "--list to fetch movielens-100k" in err


def test_fetch_without_a_name_says_what_is_missing(capsys):
    # status 2 with only the list on stdout: nothing said what was wrong
    code = main(["data", "fetch"])
    out, err = capsys.readouterr()
    assert code == 2 and "movielens-100k" in out
    assert err.startswith("recstack: error: data fetch: name the dataset to fetch")


def test_fit_refuses_an_index_and_no_index_together(tmp_path, capsys, monkeypatch):
    # --no-index silently won over --index hnsw
    import recstack.serving.commands

    monkeypatch.setattr(recstack.serving.commands, "fit_and_publish",
                        lambda *a, **k: pytest.fail("fitted despite contradictory flags"))
    code, err = _run(capsys, "fit", str(_experiment(tmp_path)), "--model", "most_popular",
                     "--registry", str(tmp_path / "registry"), "--index", "hnsw",
                     "--no-index")
    assert code == 2 and "argument --no-index: not allowed with argument --index" in err


@pytest.mark.parametrize("blank", ["", "   "])
def test_report_refuses_a_blank_colour_by(tmp_path, capsys, blank):
    # taken for the default without a word; the experiment file's colour_by = "" is refused
    code, err = _run(capsys, "report", str(tmp_path), "--colour-by", blank)
    assert code == 2 and "argument --colour-by: expected 'popularity' or an item-table " \
                         "column" in err and "leave --colour-by out for the default" in err


@pytest.mark.parametrize(("flag", "value", "wanted"), [
    ("--seed", "1_0", "expected a whole number, got '1_0'"),
    ("--seed", "\u0663", "expected a whole number, got '\u0663'"),
    ("--test-fraction", "\u0660.\u0662", "expected a number, got '\u0660.\u0662'"),
    ("--rating-range", "1,5_0", "expected comma-separated numbers, got '1,5_0'"),
])
def test_numbers_are_read_in_ascii_digits_only(tmp_path, capsys, flag, value, wanted):
    # int() and float() read '1_0' as 10 and the Arabic-Indic digit three as 3: a typo
    # in a seed ran with another seed without a word
    code, err = _run(capsys, "data", "split", SMALL, "--method", "random", flag, value,
                     "--out", str(tmp_path / "split"))
    assert code == 2 and f"argument {flag}: {wanted}" in err
    assert not (tmp_path / "split").exists()


@pytest.mark.parametrize(("command", "name", "writes"), [
    (["tune", "EXP", "--out"], "best.json", "TOML"),
    (["report", "RESULTS", "--out"], "page.pdf", "an HTML page"),
    (["pipeline", "report", "RUN", "--out"], "page.json", "an HTML page"),
])
def test_a_file_output_named_for_another_format_is_refused(tmp_path, capsys, monkeypatch,
                                                            command, name, writes):
    # `tune --out best.json` wrote TOML into a file named .json, which a JSON reader then
    # failed on; nothing is written
    monkeypatch.chdir(tmp_path)
    _experiment(tmp_path)
    argv = [str(tmp_path / "exp.toml") if part == "EXP" else part for part in command]
    code, err = _run(capsys, *argv, name)
    assert code == 2
    assert f"argument --out: '{name}' ends with {Path(name).suffix}, but this writes " \
           f"{writes}" in err
    assert not (tmp_path / name).exists()


def test_a_file_output_with_its_format_s_extension_or_none_is_taken(tmp_path, capsys,
                                                                     monkeypatch):
    monkeypatch.chdir(tmp_path)
    experiment = _experiment(tmp_path)
    for name in ("best.TOML", "best"):
        code, err = _run(capsys, "tune", str(experiment), "--out", name)
        assert code == 0, err
        assert 'type = "most_popular"' in (tmp_path / name).read_text()
