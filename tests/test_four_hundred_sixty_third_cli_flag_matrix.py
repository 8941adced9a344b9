"""Every option of every ``recstack`` command, given hostile values, as a generated matrix.

The parser the CLI uses is walked: for each command and each option that takes a value, one
invocation per hostile value (empty, negative, zero, NaN, infinity, huge, a decimal, a
boolean word, Arabic-Indic digits, a value starting with '-', the option given twice). Each
invocation ends with an option no command has, so nothing ever runs (no server binds, no
data is read): a value the parser refuses must be refused on one line naming the option,
without a traceback; a value it takes leaves the refusal to the unknown option, for the
command to check when it runs. The run-time refusals of output paths, and ``data fetch
--list`` with the options of a download, are tested after the matrix.
"""

from __future__ import annotations

import argparse

import pytest

from recstack.cli import _build_parser, main

#: the parser ``main`` builds, built once: the matrix runs the parser alone (building it for
#: each of the thousand invocations took minutes on a busy machine)
PARSER = _build_parser()

#: a word no command takes as an option: the parser refuses it only after reading the rest
STOP = "--zz-not-an-option"

#: the arguments each command requires, so that the parser gets as far as the options
REQUIRED = {
    ("data", "info"): ["source.csv"],
    ("data", "fetch"): ["movielens-100k"],
    ("data", "synth"): ["--out", "o"],
    ("data", "split"): ["source.csv", "--out", "o"],
    ("evaluate",): ["exp.toml"],
    ("tune",): ["exp.toml"],
    ("fit",): ["exp.toml", "--model", "m", "--registry", "reg"],
    ("recommend",): ["m", "--registry", "reg", "--users", "1"],
    ("report",): ["results"],
    ("serve",): ["--registry", "reg"],
    ("demo",): [],
    ("online",): ["events"],
    ("skew",): ["logs", "--registry", "reg"],
    ("pipeline", "run"): ["pipeline.toml"],
    ("pipeline", "report"): ["run"],
}

HOSTILE = ["", "-1", "0", "nan", "inf", "1e300", "3.5", "true", "\u0661\u0660", "-x"]


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()):
    commands = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not commands:
        yield prefix, parser
        return
    for name, command in commands[0].choices.items():
        yield from _commands(command, (*prefix, name))


def _value_options() -> list[tuple[tuple[str, ...], str]]:
    found = []
    for prefix, parser in _commands(PARSER):
        for action in parser._actions:
            if action.option_strings and action.nargs != 0 and "--help" not in \
                    action.option_strings:
                found.append((prefix, [o for o in action.option_strings
                                       if o.startswith("--")][0]))
    return found


OPTIONS = _value_options()


def test_every_command_has_its_required_arguments_listed():
    # a command added later gets its row here, or the matrix would not reach it
    assert {prefix for prefix, _ in OPTIONS} <= set(REQUIRED)
    assert {prefix for prefix, _ in _commands(PARSER)} == set(REQUIRED)


def _without(arguments: list[str], option: str) -> list[str]:
    if option not in arguments:
        return list(arguments)
    at = arguments.index(option)
    return arguments[:at] + arguments[at + 2:]


def _refusal(capsys, argv: list[str], *, parse_only: bool = False) -> str:
    code: object
    try:
        if parse_only:
            PARSER.parse_args(argv)
            code = 0
        else:
            code = main(argv)
    except SystemExit as refused:
        code = refused.code
    captured = capsys.readouterr()
    assert code == 2, (argv, captured.err)
    assert captured.out == ""
    assert "Traceback" not in captured.err
    lines = captured.err.splitlines()
    assert len(lines) == 1, (argv, captured.err)
    return lines[0]


@pytest.mark.parametrize(("prefix", "option"), OPTIONS,
                         ids=[" ".join((*p, o)) for p, o in OPTIONS])
def test_a_hostile_value_is_refused_naming_the_option_or_left_to_the_command(
        capsys, tmp_path, monkeypatch, prefix, option):
    monkeypatch.chdir(tmp_path)
    base = _base(prefix, _action(prefix, option))
    for value in HOSTILE:
        line = _refusal(capsys, [*base, f"{option}={value}", STOP], parse_only=True)
        assert line.startswith(f"recstack {' '.join(prefix)}: error: "), line
        if STOP in line:
            # taken by the parser: the refusal is of the unknown option alone
            assert line.endswith(f"unrecognized arguments: {STOP}"), line
        else:
            assert f"argument {option}" in line, (value, line)
    assert list(tmp_path.iterdir()) == []  # nothing half-written


#: two values each option takes, where "6" and "7" are not (the rest take both)
TAKEN = {"--rating-range": ["1,5", "1,10"], "--host": ["127.0.0.1", "localhost"],
         "--alpha": ["0.1", "0.2"]}


def _base(prefix: tuple[str, ...], action: argparse.Action) -> list[str]:
    """The required arguments of ``prefix`` without ``action``'s option and the options
    it excludes (``recommend --users-file`` with the ``--users`` of the base)."""
    parser = dict(_commands(PARSER))[prefix]
    base = REQUIRED[prefix]
    for group in parser._mutually_exclusive_groups:
        if action in group._group_actions:
            for other in group._group_actions:
                for option in other.option_strings:
                    base = _without(base, option)
    for option in action.option_strings:
        base = _without(base, option)
    return [*prefix, *base]


def _action(prefix: tuple[str, ...], option: str) -> argparse.Action:
    parser = dict(_commands(PARSER))[prefix]
    return next(a for a in parser._actions if option in a.option_strings)


@pytest.mark.parametrize(("prefix", "option"), OPTIONS,
                         ids=[" ".join((*p, o)) for p, o in OPTIONS])
def test_an_option_given_twice_is_refused_naming_it(capsys, tmp_path, monkeypatch, prefix,
                                                    option):
    monkeypatch.chdir(tmp_path)
    action = _action(prefix, option)
    values = (action.choices and list(action.choices)) or TAKEN.get(option, ["6", "7"])
    line = _refusal(capsys, [*_base(prefix, action), f"{option}={values[0]}",
                             f"{option}={values[-1]}", STOP], parse_only=True)
    if isinstance(action, argparse._AppendAction):
        # --filter, --variant: one value each time given, all of them kept
        assert line.endswith(f"unrecognized arguments: {STOP}"), line
    else:
        assert f"argument {option}: given twice" in line, line


@pytest.mark.parametrize(("prefix", "option"), [(p, o) for p, o in OPTIONS if len(o) > 5],
                         ids=[" ".join((*p, o)) for p, o in OPTIONS if len(o) > 5])
def test_a_near_miss_spelling_is_refused_with_the_option_suggested(
        capsys, tmp_path, monkeypatch, prefix, option):
    # --n-thread for --n-threads: no abbreviation is taken for the option; where the option
    # was required, the refusal of the missing one names the near miss too
    monkeypatch.chdir(tmp_path)
    near = option[:-1]
    line = _refusal(capsys, [*_base(prefix, _action(prefix, option)), near, "2"],
                    parse_only=True)
    assert f"unrecognized arguments: {near}" in line, line
    assert f"did you mean '{option}'?" in line, line


def test_a_near_miss_of_one_of_the_required_options_is_named(capsys, tmp_path, monkeypatch):
    # before: "recstack recommend: error: one of the arguments --users --users-file
    # --all-users is required", no word of the --user typed
    monkeypatch.chdir(tmp_path)
    assert _refusal(capsys, ["recommend", "m", "--user", "7"]) == (
        "recstack recommend: error: one of the arguments --users --users-file --all-users is "
        "required; unrecognized arguments: --user (did you mean '--users'?)")


# ------------------------------------------------------------------ what the commands check
@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth")
    assert main(["data", "synth", "--users", "30", "--items", "20", "--interactions", "300",
                 "--out", str(folder / "syn")]) == 0
    return folder / "syn"


@pytest.mark.parametrize("command", [
    ["data", "synth", "--users", "5", "--items", "3", "--interactions", "10"],
    ["data", "split", "SYN"],
])
def test_an_output_folder_that_is_a_file_is_refused_naming_out(capsys, tmp_path, monkeypatch,
                                                               synthetic, command):
    # before: "recstack: error: afile: is a file, but a folder is to be written there; ..."
    # (no word of --out, on another prefix than the parser's refusals)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("kept")
    argv = [str(synthetic) if word == "SYN" else word for word in command]
    line = _refusal(capsys, [*argv, "--out", "afile"])
    assert line == (f"recstack {' '.join(command[:2])}: error: argument --out: afile: is a "
                    "file, but a folder is to be written there; choose another name or remove "
                    "it")
    assert (tmp_path / "afile").read_text() == "kept"


def test_an_output_folder_that_cannot_be_made_is_refused_naming_out(capsys, tmp_path,
                                                                    monkeypatch):
    # before: "recstack: error: /proc/x: cannot write: No such file or directory"
    monkeypatch.chdir(tmp_path)
    line = _refusal(capsys, ["data", "synth", "--users", "5", "--items", "3",
                             "--interactions", "10", "--out", "/proc/recstack-x"])
    assert line.startswith("recstack data synth: error: argument --out: /proc/recstack-x: "
                           "cannot write")


def test_an_output_refusal_naming_the_option_already_is_left_as_it_was(capsys, tmp_path,
                                                                       monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "other.txt").write_text("x")
    line = _refusal(capsys, ["data", "synth", "--users", "5", "--items", "3",
                             "--interactions", "10", "--out", "taken"])
    assert line == ("recstack data synth: error: argument --out: taken: is a folder of other "
                    "files (other.txt), not a data synth folder (no interactions.parquet), "
                    "which writing there would delete; choose another --out: a new folder, or "
                    "an empty one with --overwrite")


@pytest.mark.parametrize(("options", "named"), [
    (["--url="], "--url"),
    (["--url", "https://example.org/ml-100k.zip"], "--url"),
    (["--sha256", "0" * 64], "--sha256"),
    (["--cache-dir", "cache"], "--cache-dir"),
    (["--no-verify"], "--no-verify"),
    (["--force"], "--force"),
    (["--cache-dir", "cache", "--force"], "--cache-dir"),
])
def test_data_fetch_list_refuses_the_options_of_a_download(capsys, tmp_path, monkeypatch,
                                                           options, named):
    # before: the datasets were listed with status 0, the option (even --url=) never read
    monkeypatch.chdir(tmp_path)
    line = _refusal(capsys, ["data", "fetch", "--list", *options])
    given = [word.split("=")[0] for word in options if word.startswith("--")]
    assert line == (f"recstack data fetch: error: argument {named}: applies to a download, "
                    "and --list only lists the known datasets; drop --list and name the "
                    f"dataset to fetch (recstack data fetch NAME {named} ...), or drop "
                    f"{' and '.join(given)}")
    assert list(tmp_path.iterdir()) == []


def test_data_fetch_list_alone_or_quiet_still_lists(capsys):
    for argv in (["data", "fetch", "--list"], ["data", "fetch", "--list", "--quiet"]):
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert out.startswith("movielens-100k ")


@pytest.fixture
def log_without_default_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "log.csv").write_text("u,i\n1,2\n2,3\n")
    return "log.csv"


def test_a_column_left_at_its_default_name_is_said_to_be_named_with_its_option(
        capsys, log_without_default_names):
    # before: "recstack: error: log.csv: no column 'user_id' for user ids; the columns are:
    # 'u', 'i'", no word of --user-col
    assert _refusal(capsys, ["data", "info", log_without_default_names]) == (
        "recstack: error: log.csv: no column 'user_id' for user ids (the default of "
        "--user-col: name the column with --user-col); the columns are: 'u', 'i'")


@pytest.mark.parametrize(("option", "role"), [("--user-col", "user ids"),
                                              ("--item-col", "item ids"),
                                              ("--value-col", "values"),
                                              ("--timestamp-col", "timestamps")])
def test_a_column_option_naming_no_column_is_named(capsys, tmp_path,
                                                   log_without_default_names, option, role):
    # before: "log.csv: no column 'nan' for values; ..." said no option
    named = {"--user-col": "u", "--item-col": "i"}
    argv = [word for flag, column in named.items() if flag != option
            for word in (flag, column)]
    line = _refusal(capsys, ["data", "split", log_without_default_names, *argv, option, "nan",
                             "--out", "parts"])
    assert line.startswith(f"recstack: error: log.csv: no column 'nan' for {role} ({option}); "
                           "the columns are: 'u', 'i'"), line
    assert not (tmp_path / "parts").exists()


@pytest.fixture
def experiment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exp.toml").write_text(
        '[data]\nsource = "synthetic:n_users=30,n_items=20,n_interactions=300"\n'
        '[split]\nmethod = "random"\n[[models]]\ntype = "most_popular"\n')
    return "exp.toml"


@pytest.mark.parametrize(("label", "why"), [("-1", "it starts with '-'"),
                                            ("a/b", "character 2 is '/'")])
def test_a_label_that_cannot_name_a_registry_model_is_refused_naming_model(
        capsys, tmp_path, experiment, label, why):
    # before: "recstack: error: model name '-1': use 1 to 100 letters, ...": no option named
    # (the label is the registry's name when --name is left out)
    line = _refusal(capsys, ["fit", experiment, f"--model={label}", "--registry", "reg"])
    assert line == (f"recstack fit: error: argument --model: {label!r}, the model's name in "
                    "the registry without --name: use 1 to 100 letters, digits, '.', '_' or "
                    f"'-', starting with a letter or digit ({why})")
    assert not (tmp_path / "reg").exists()


def test_an_empty_label_is_refused_by_the_parser(capsys, tmp_path, experiment):
    # before: "recstack: error: model name '': use 1 to 100 letters, ... (the name is empty)"
    assert _refusal(capsys, ["fit", experiment, "--model=", "--registry", "reg"]) == (
        "recstack fit: error: argument --model: expected a value, got an empty string")
    assert not (tmp_path / "reg").exists()
