"""Seventy-eighth probe, the command line: a positional argument given after an option
that takes a list (``recstack recommend --registry r --users 1 als``) was read as one more
value of the list, and the refusal said only "the following arguments are required:
artifact", with no word of where it had gone."""

from __future__ import annotations

import pytest

from recstack.cli import main


def _run(capsys, *argv: str) -> tuple[int, str]:
    try:
        code = main(list(argv))
    except SystemExit as stop:  # argparse refuses the arguments itself
        code = stop.code
    return code, capsys.readouterr().err.strip().splitlines()[-1]


@pytest.mark.parametrize(("argv", "option"), [
    (["recommend", "--registry", "reg", "--users", "1", "als"], "--users"),
    (["recommend", "--users", "1", "--context", "device=phone", "als"], "--context"),
])
def test_a_positional_read_as_a_list_value_is_said(capsys, argv, option):
    code, line = _run(capsys, *argv)
    assert code == 2
    assert line == (f"recstack recommend: error: the following arguments are required: "
                    f"artifact ({option} takes every value after it, so 'als' was read as "
                    f"one of its values: give artifact before {option})")


@pytest.mark.parametrize("argv", [
    ["recommend", "--registry", "reg", "--users", "1"],  # nothing was swallowed
    ["recommend", "--users", "1", "2", "--registry", "reg"],  # the list ends at an option
])
def test_a_positional_really_missing_is_said_as_before(capsys, argv):
    code, line = _run(capsys, *argv)
    assert code == 2
    assert line == ("recstack recommend: error: the following arguments are required: "
                    "artifact")
