"""A file given where the registry's root folder goes is refused naming ``--registry`` and
the path typed (it was "registry FILE: is a file ...", which named no option, where the
parser's refusals of every other path option name theirs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.cli import main


@pytest.mark.parametrize("command", [["recommend", "ease", "--users", "1"], ["serve"],
                                     ["skew", str(Path("."))]])
def test_a_file_as_the_registry_is_named_with_its_option(tmp_path, capsys, command):
    afile = tmp_path / "afile"
    afile.write_text("not a folder\n", encoding="utf-8")
    assert _status([*command[:1], "--registry", str(afile), *command[1:]]) == 2
    err = capsys.readouterr().err
    assert f"argument --registry: {afile}: is a file, not a folder; the registry is a folder" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def _status(argv: list[str]) -> int:
    """The exit status of ``recstack ARGV`` (the parser's refusals exit by SystemExit)."""
    try:
        return main(argv)
    except SystemExit as stop:
        return int(stop.code or 0)
