"""Options a new user of ``recstack`` may give awkwardly: a yes/no option given both ways,
a seed written as a decimal or as NaN, sizes of ``data synth`` left at their defaults."""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.specs import SEED_MAX, SEED_RULE


def _refusal(capsys, *argv: str) -> str:
    try:
        code = main(list(argv))
    except SystemExit as refused:  # refused by the parser
        code = refused.code
    assert code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err.splitlines()[-1]


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,rating\n1,10,4\n2,10,3\n2,11,5\n")
    return str(path)


@pytest.mark.parametrize("first, second", [("--quoting", "--no-quoting"),
                                           ("--no-quoting", "--quoting")])
def test_a_yes_no_option_given_both_ways_is_refused(capsys, log, first, second):
    # before: the last one was kept without a word (status 0)
    message = _refusal(capsys, "data", "info", log, first, second)
    assert message == (f"recstack data info: error: argument --quoting/--no-quoting: given "
                       f"both ways ({first}, then {second}); give one")


@pytest.mark.parametrize("flag", ["--quoting", "--no-quoting"])
def test_a_yes_no_option_given_once_or_twice_the_same_way_is_taken(capsys, log, flag):
    assert main(["data", "info", log, flag, flag, "--json"]) == 0
    assert '"rows": 3' in capsys.readouterr().out


@pytest.mark.parametrize("command", [["data", "synth", "--out", "s"],
                                     ["data", "split", "synthetic:n_users=50", "--method",
                                      "random", "--out", "s"]])
def test_a_seed_written_past_the_range_is_not_told_to_be_written_in_digits(
        capsys, tmp_path, monkeypatch, command):
    # before: "expected a whole number, got '1e12' (a whole number is written in digits
    # alone: 1000000000000)", a seed refused in turn
    monkeypatch.chdir(tmp_path)
    message = _refusal(capsys, *command, "--seed", "1e12")
    assert message.endswith("argument --seed: expected a whole number, got '1e12' (a whole "
                            f"number is written in digits alone); a seed is {SEED_RULE}")
    assert "1000000000000" not in message
    assert not (tmp_path / "s").exists()


def test_a_seed_written_as_a_whole_decimal_in_the_range_is_told_its_digits(
        capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    message = _refusal(capsys, "data", "synth", "--out", "s", "--seed", "3.0")
    assert message.endswith("got '3.0' (a whole number is written in digits alone: 3); "
                            f"a seed is {SEED_RULE}")


@pytest.mark.parametrize("text", ["nan", "inf", "abc", ""])
def test_a_seed_that_is_no_number_is_told_the_seed_rule(capsys, tmp_path, monkeypatch, text):
    # before: "argument --seed: expected a whole number, got 'nan'", the range unsaid
    monkeypatch.chdir(tmp_path)
    message = _refusal(capsys, "data", "synth", "--out", "s", "--seed", text)
    assert message == (f"recstack data synth: error: argument --seed: expected a whole "
                       f"number, got {text!r}; a seed is a whole number in [0, {SEED_MAX}] "
                       "(32 bits, what every seeded part accepts)")


def test_synth_names_no_default_a_refusal_is_not_about(capsys, tmp_path, monkeypatch):
    # before: "... must be at most 2,147,483,647 (indices are int32), got ... (not given,
    # so at the default: --items 1,500, --interactions 100,000)": neither was the mistake
    monkeypatch.chdir(tmp_path)
    message = _refusal(capsys, "data", "synth", "--out", "s", "--users",
                       "10000000000000000000000")
    assert message == ("recstack data synth: error: argument --users: must be at most "
                       "2,147,483,647 (indices are int32), got 10000000000000000000000")


def test_synth_names_only_the_defaults_a_refusal_is_about(capsys, tmp_path, monkeypatch):
    # 10 interactions < the default 2,000 users * 5: --items (1,500) plays no part, and was
    # named before
    monkeypatch.chdir(tmp_path)
    assert main(["data", "synth", "--out", "s", "--interactions", "10"]) == 2
    message = capsys.readouterr().err.splitlines()[-1]
    assert message.endswith("ask for fewer users or more interactions (not given, so at the "
                            "default: --users 2,000)")


@pytest.mark.parametrize("name", ["NUMBA_NUM_THREADS", "OMP_NUM_THREADS",
                                  "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"])
@pytest.mark.parametrize("value", ["", "abc", "0", "-1", "2.5"])
def test_a_thread_variable_that_is_no_count_is_refused_before_any_work(
        capsys, tmp_path, monkeypatch, name, value):
    # before: NUMBA_NUM_THREADS=0 was numba's "ValueError: Number of threads specified must
    # be > 0." traceback at the first model fitted; 'abc' a warning quoting a traceback,
    # then every core; OMP_NUM_THREADS=abc libgomp's "Invalid value", then every core
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(name, value)
    assert main(["data", "synth", "--out", "s", "--users", "10", "--items", "20",
                 "--interactions", "60"]) == 2
    captured = capsys.readouterr()
    levels = " (or one per nesting level, 4,2)" if name == "OMP_NUM_THREADS" else ""
    assert captured.err == (f"recstack: error: the environment variable {name}={value!r} is "
                            f"not a thread count; set it to a whole number of at least 1"
                            f"{levels}, or unset it to use every core\n")
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize("name, value", [("NUMBA_NUM_THREADS", "2"), ("OMP_NUM_THREADS", "4,2"),
                                         ("MKL_NUM_THREADS", "1")])
def test_a_thread_count_is_taken(capsys, tmp_path, monkeypatch, name, value):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(name, value)
    assert main(["data", "synth", "--out", "s", "--users", "10", "--items", "20",
                 "--interactions", "60"]) == 0


def test_a_thread_variable_of_zero_ends_a_fit_without_a_traceback(tmp_path):
    # the traceback came from numba, in a model's fit: run as a user runs it
    import os
    import subprocess
    import sys

    (tmp_path / "exp.toml").write_text(
        '[data]\nsource = "synthetic:n_users=60,n_items=40,n_interactions=600"\n'
        '[split]\nmethod = "random"\n[[models]]\ntype = "als"\nfactors = 4\n')
    done = subprocess.run([sys.executable, "-m", "recstack.cli", "evaluate", "exp.toml",
                           "--out", "res"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "NUMBA_NUM_THREADS": "0"})
    assert done.returncode == 2
    assert done.stderr == ("recstack: error: the environment variable NUMBA_NUM_THREADS='0' "
                           "is not a thread count; set it to a whole number of at least 1, "
                           "or unset it to use every core\n")
    assert not (tmp_path / "res").exists()


def test_serve_says_its_own_remedy_for_its_thread_variables(tmp_path, monkeypatch, capsys):
    # unset, serve's variables take its compute_threads: "unset it to use every core" was
    # the general check's wording, said before serve's own
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("uvicorn started"))
    monkeypatch.setenv("OMP_NUM_THREADS", "abc")
    assert main(["serve", "--registry", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "OMP_NUM_THREADS='abc' is not a thread count" in err
    assert "unset it for compute_threads" in err and "every core" not in err
