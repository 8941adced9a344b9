"""A folder output whose name the file system cannot hold (``evaluate --out``, ``data split
--out``) is refused naming the part too long and the limit, its name cut, as a file output
is: the whole name, hundreds of characters, was printed before "File name too long"."""

from __future__ import annotations

import errno
import os

import pytest

from recstack.cli import describe_os_error, main

TINY = "synthetic:n_users=60,n_items=40,n_interactions=600"
LONG = "y" * 300


def _check_said(said: str, path: str) -> None:
    """One line: the path cut (its start, its end, its length), the system's reason, the
    part too long and the limit."""
    lead, _, rest = said.partition("...")
    assert lead == f"recstack: error: '{path[:len(lead) - 18]}", said
    assert len(lead) - 18 >= 30  # the path's start is shown, then cut
    assert rest.endswith(
        f"yyy' ({len(path):,} characters): {os.strerror(errno.ENAMETOOLONG)}: it is a name "
        f"longer than the file system allows: its part '{LONG[:30]}...{LONG[-15:]}' (300 "
        "characters) is 300 bytes long, and a file or folder name holds at most 255; choose "
        "a shorter name\n"), said
    assert LONG not in said and said.count("\n") == 1


def test_data_split_into_a_folder_name_too_long(tmp_path, capsys):
    out = str(tmp_path / LONG)
    assert main(["data", "split", TINY, "--out", out]) == 2
    # before: "recstack: error: /tmp/.../yyyy<300 y>: File name too long"
    _check_said(capsys.readouterr().err, out)
    assert list(tmp_path.iterdir()) == []


def test_evaluate_into_a_folder_name_too_long(tmp_path, capsys):
    experiment = tmp_path / "exp.toml"
    experiment.write_text(f'name = "x"\n[data]\nsource = "{TINY}"\n[split]\nmethod = "random"\n'
                          'test_fraction = 0.2\n[evaluation]\nmetrics = ["ndcg"]\nks = [5]\n'
                          '[[models]]\ntype = "most_popular"\n', encoding="utf-8")
    out = str(tmp_path / LONG)
    assert main(["evaluate", str(experiment), "--out", out]) == 2
    _check_said(capsys.readouterr().err, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exp.toml"]


@pytest.mark.parametrize("error, said", [
    # a name the system can hold: the system's words alone, as before
    (OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG), "/tmp/short"),
     f"/tmp/short: {os.strerror(errno.ENAMETOOLONG)}"),
    (OSError(errno.ENOENT, os.strerror(errno.ENOENT), "/tmp/" + LONG),
     f"/tmp/{LONG}: {os.strerror(errno.ENOENT)}"),
])
def test_other_refusals_keep_their_words(error, said):
    assert describe_os_error(error) == said
