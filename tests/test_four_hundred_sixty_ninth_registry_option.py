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


def test_a_file_url_registry_in_a_home_of_no_user_is_refused_in_one_line(capsys):
    # Path.expanduser raised RuntimeError for ~nosuchuser: a traceback at parse time
    code = _status(["recommend", "--registry", "file://~recstack-no-such-user-469/reg",
                    "ease", "--users", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and "RuntimeError" not in err
    assert "~recstack-no-such-user-469" in err and len(err.strip().splitlines()) == 1


def test_a_version_folder_removed_during_the_check_is_not_called_a_permission_problem(
        tmp_path):
    from recstack.errors import RecstackError
    from recstack.serving.registry import verify_folder

    gone = tmp_path / "ease" / "versions" / "1"  # pruned by another process meanwhile
    with pytest.raises(RecstackError, match=r"removed or replaced while it was being "
                                            r"checked") as refused:
        verify_folder(gone, "ROOT: ease@1")
    assert "permission" not in str(refused.value)
