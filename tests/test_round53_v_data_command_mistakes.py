"""Round 53 (V): the ``recstack data`` commands probed as a new user. Each test failed
before its fix: an ignored flag, a refusal worded for Python callers, and sizes the user
never typed named as if they had."""

from __future__ import annotations

import pytest

import recstack.data.fetch
from recstack.cli import main


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _no_download(*args, **kwargs):
    raise AssertionError("the archive was fetched before the flags were checked")


def test_fetch_refuses_no_verify_beside_a_digest(tmp_path, capsys, monkeypatch):
    # the digest was checked anyway, so --no-verify was silently ignored
    monkeypatch.setattr(recstack.data.fetch, "fetch", _no_download)
    code, out, err = _run(capsys, "data", "fetch", "movielens-100k", "--no-verify",
                          "--sha256", "a" * 64, "--cache-dir", str(tmp_path / "cache"))
    assert code == 2 and out == ""
    assert err.splitlines() == [
        "recstack data fetch: error: argument --no-verify: contradicts --sha256, which "
        "checks the archive against that digest; give --sha256 to check the archive, or "
        "--no-verify to accept an archive without a pinned digest, not both"]
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize("command", [
    ["data", "split", "synthetic:n_users=40,n_items=30,n_interactions=400,seed=1"],
    ["data", "synth", "--users", "40", "--items", "30", "--interactions", "400"],
])
def test_an_empty_existing_out_folder_is_named_as_such(tmp_path, capsys, command):
    # it was "already exists; pass overwrite=True (--overwrite on the command line)",
    # the Python spelling, for a folder the other refusal had just recommended
    empty = tmp_path / "made"
    empty.mkdir()
    code, out, err = _run(capsys, *command, "--out", str(empty))
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"recstack: error: {empty} already exists (an empty folder); pass --overwrite to "
        "write into it, or choose another --out"]
    assert list(empty.iterdir()) == []
    # what the message says works
    code, _, err = _run(capsys, *command, "--out", str(empty), "--overwrite")
    assert code == 0, err
    assert list(empty.iterdir()) != []


def test_an_earlier_split_is_named_as_such(tmp_path, capsys):
    source = "synthetic:n_users=40,n_items=30,n_interactions=400,seed=1"
    out = tmp_path / "split"
    assert _run(capsys, "data", "split", source, "--out", str(out))[0] == 0
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    code, _, err = _run(capsys, "data", "split", source, "--method", "kfold", "--out",
                        str(out))
    assert code == 2
    assert err.splitlines() == [
        f"recstack: error: {out} already exists (an earlier split folder); pass "
        "--overwrite to replace it, or choose another --out"]
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before


def test_a_folder_of_other_files_points_to_overwrite_for_an_empty_one(tmp_path, capsys):
    # it said "choose another --out, or an empty or new folder", and the empty folder
    # was then refused for want of --overwrite
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "thesis.txt").write_text("years of work")
    code, _, err = _run(capsys, "data", "synth", "--users", "40", "--items", "30",
                        "--interactions", "400", "--out", str(folder), "--overwrite")
    assert code == 2
    assert err.splitlines()[-1].endswith(
        "which writing there would delete; choose another --out: a new folder, or an "
        "empty one with --overwrite")
    assert (folder / "thesis.txt").read_text() == "years of work"


def test_synth_says_which_sizes_were_left_at_their_defaults(tmp_path, capsys):
    # 5 users x the default 1,500 items / 2 = 3,750 < the default 100,000 interactions;
    # the message named --interactions (100,000) to a user who typed only --users 5
    out = tmp_path / "s"
    code, _, err = _run(capsys, "data", "synth", "--users", "5", "--out", str(out))
    assert code == 2
    assert err.splitlines() == [
        "recstack: error: --interactions (100,000) must be at most --users * --items / 2 "
        "= 3,750 (a user rates an item at most once, and at most half the catalogue); ask "
        "for more users or items (not given, so at the default: --items 1,500, "
        "--interactions 100,000)"]
    assert not out.exists()
    assert [path.name for path in tmp_path.iterdir()] == []


def test_synth_sizes_given_in_full_get_no_default_note(tmp_path, capsys):
    code, _, err = _run(capsys, "data", "synth", "--users", "5", "--items", "3",
                        "--interactions", "100", "--out", str(tmp_path / "s"))
    assert code == 2 and "default" not in err


def test_synth_help_states_the_default_sizes(capsys):
    with pytest.raises(SystemExit):
        main(["data", "synth", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    for said in ("number of users (default: 2,000)", "number of items (default: 1,500)",
                 "number of interactions (default: 100,000)"):
        assert said in shown
