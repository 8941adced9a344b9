"""Eighty-seventh bad-input probe, experiment and pipeline files: tomllib's own words for a
table or key written twice ("Cannot declare ('data', 'loader') twice"), for dates and
numbers TOML does not read, and files that are no regular file of settings (a named pipe
waited forever, a link that loops, a file of gigabytes read whole). Each test failed before
its fix."""

from __future__ import annotations

import os
import threading

import pytest

from recstack.cli import main
from recstack.config import load_experiment
from recstack.errors import ConfigError
from recstack.ops.pipeline_config import load_pipeline

#: the largest settings file read, 10 MiB
MAX_TOML_BYTES = 10 * 1024 * 1024
MODELS = '[[models]]\ntype = "random"\n'
SPLIT = '[split]\nmethod = "random"\n'


def _refusal(tmp_path, text):
    path = tmp_path / "e.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_experiment(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: not valid TOML: ")
    return message


def test_a_table_header_after_an_inline_table_explains_what_to_write(tmp_path):
    message = _refusal(tmp_path, 'data = {source = "synthetic"}\n[data.loader]\nsep = ","\n'
                       + SPLIT + MODELS)
    assert message.endswith(
        "line 2 reads '[data.loader]', but line 1 ('data = {source = \"synthetic\"}') wrote "
        "data whole as an inline table {...}, which nothing after it may add to; put every "
        "key of data in that {...}, or write it as a [data] section of key = value lines "
        "(with [data.loader] after it)")


def test_a_dotted_key_added_to_an_inline_table_explains_what_to_write(tmp_path):
    message = _refusal(tmp_path, '[data]\nsource = "synthetic"\nloader = {a = 1}\n'
                       'loader.b = 2\n' + SPLIT + MODELS)
    assert message.endswith(
        "line 4 reads 'loader.b = 2', but line 3 ('loader = {a = 1}') wrote data.loader "
        "whole as an inline table {...}, which nothing after it may add to; put loader.b in "
        "that {...}, or write it as a [data.loader] section of key = value lines")


def test_a_table_declared_twice_names_the_first_header(tmp_path):
    message = _refusal(tmp_path, '[data]\nsource = "synthetic"\n[data]\nseed = 1\n' + SPLIT
                       + MODELS)
    assert message.endswith("line 3 reads '[data]', but line 1 already declared the table "
                            "[data]; write each table's header once, with all its keys under "
                            "it")


def test_single_and_list_tables_of_one_name_are_told_apart(tmp_path):
    message = _refusal(tmp_path, '[data]\nsource = "synthetic"\n' + SPLIT + MODELS
                       + '[models]\ntype = "random"\n')
    assert message.endswith("line 7 reads '[models]', but models is a list of tables, "
                            "started on line 5 with [[models]]; begin each entry with "
                            "[[models]], never [models]")
    message = _refusal(tmp_path, '[data]\nsource = "synthetic"\n' + SPLIT
                       + '[models]\ntype = "random"\n' + MODELS)
    assert message.endswith("line 7 reads '[[models]]', but line 5 already wrote models as "
                            "one table [models]; for a list of entries begin each one with "
                            "[[models]], the first included")


def test_a_key_that_is_also_a_table_is_explained(tmp_path):
    message = _refusal(tmp_path, '[data]\nsource = "synthetic"\nloader = 1\n[data.loader]\n'
                       'sep = ","\n' + SPLIT + MODELS)
    assert message.endswith("line 4 reads '[data.loader]', but line 3 ('loader = 1') already "
                            "set data.loader as a value; a key is either a value or a table, "
                            "not both")
    message = _refusal(tmp_path, '[data]\nsource = "synthetic"\nloader.sep = ","\n'
                       '[data.loader]\nencoding = "utf-8"\n' + SPLIT + MODELS)
    assert message.endswith("line 4 reads '[data.loader]', but line 3 ('loader.sep = \",\"') "
                            "already set keys of data.loader as dotted keys; give the keys of "
                            "data.loader in one place, under [data.loader] or as loader.KEY = "
                            "... lines")


def test_a_pipeline_file_gets_the_same_explanation(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('data = {partitions = "logs"}\n[data.loader]\nsep = ","\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=r"wrote data whole as an inline table \{\.\.\.\}, "
                                          r"which nothing after it may add to"):
        load_pipeline(path)


@pytest.mark.parametrize("written", ["2020-13-45", "2020-02-30", "2020-01-01T25:00:00",
                                     "2020-1-5"])
def test_a_date_toml_cannot_read_says_how_to_write_one(tmp_path, written):
    # "Expected newline or end of document after a statement" for a month 13
    message = _refusal(tmp_path, '[data]\nsource = "synthetic"\n[split]\nmethod = '
                       f'"temporal"\ncutoff = {written}\n' + MODELS)
    assert message.endswith(
        f"line 5 reads 'cutoff = {written}'; {written} is not a date and time TOML reads: "
        "write YYYY-MM-DD with a month 1-12 and a day that month has, and a time (after T) "
        "as HH:MM:SS from 00:00:00 to 23:59:59, e.g. 2020-01-31T12:00:00 (or quote it as "
        "text)")


@pytest.mark.parametrize("written, plain", [("01", "1"), ("-007", "-7"), ("00.5", "0.5")])
def test_a_number_with_leading_zeros_is_named(tmp_path, written, plain):
    message = _refusal(tmp_path, f'seed = {written}\n[data]\nsource = "synthetic"\n' + SPLIT
                       + MODELS)
    assert message.endswith(f"line 1 reads 'seed = {written}'; TOML writes numbers without "
                            f"leading zeros: seed = {plain}")


def test_a_surrogate_escape_is_explained(tmp_path):
    message = _refusal(tmp_path, '[data]\nsource = "\\uD800"\n' + SPLIT + MODELS)
    assert "Escaped character is not a Unicode scalar value" in message
    assert message.endswith("where an escape \\uD800 to \\uDFFF (half of a UTF-16 surrogate "
                            "pair) is no character; write the character itself, or its code "
                            "point as \\UXXXXXXXX")


# ------------------------------------------------------------------ files of no settings
def _one_line_error(capsys, *argv):
    code = main(list(argv))
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err.strip()


@pytest.mark.parametrize("command", [["evaluate"], ["tune"], ["pipeline", "run"],
                                     ["fit", "--model", "m", "--registry", "reg"]])
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path, capsys, command):
    # before: every command that reads a TOML file blocked forever in read_bytes()
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    fifo = tmp_path / "e.toml"
    os.mkfifo(fifo)
    # without the fix the command waits for a writer: one comes after a few seconds and
    # writes nothing, so that the test fails instead of hanging
    writer = threading.Timer(5.0, lambda: os.close(os.open(fifo, os.O_WRONLY)))
    writer.daemon = True
    writer.start()
    what = "pipeline" if command[0] == "pipeline" else "experiment"
    err = _one_line_error(capsys, command[0], *(command[1:2] if command[0] == "pipeline"
                                                else []), str(fifo),
                          *(command[1:] if command[0] == "fit" else []))
    writer.cancel()
    assert err == (f"recstack: error: {fifo}: is a pipe, socket or device, not a file; give "
                   f"the {what}'s .toml file (a file on disk: standard input and pipes are "
                   "not read)")


def test_a_link_that_loops_or_leads_nowhere_is_named(tmp_path, capsys):
    # before: "cannot read: Too many levels of symbolic links", and a dangling link was
    # "no such experiment file" as if nothing were there
    loop = tmp_path / "loop.toml"
    os.symlink(tmp_path / "other.toml", loop)
    os.symlink(loop, tmp_path / "other.toml")
    assert _one_line_error(capsys, "evaluate", str(loop)) == (
        f"recstack: error: {loop}: is a symbolic link that loops (it leads back to itself); "
        "give the experiment's .toml file")
    dangling = tmp_path / "gone.toml"
    os.symlink("nowhere.toml", dangling)
    assert _one_line_error(capsys, "pipeline", "run", str(dangling)) == (
        f"recstack: error: {dangling}: is a symbolic link to 'nowhere.toml', which does not "
        "exist; give the pipeline's .toml file")


def test_a_file_far_larger_than_settings_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.toml"
    with open(path, "wb") as handle:
        handle.truncate(MAX_TOML_BYTES + 1)  # sparse: no 10 MiB written
    with pytest.raises(ConfigError, match=r"big\.toml: is 10\.0 MiB, but an experiment file "
                                          r"holds a few kilobytes of settings \(at most 10 "
                                          r"MiB are read\); is this a data file\?"):
        load_experiment(path)
    at_limit = tmp_path / "limit.toml"
    at_limit.write_text("# " + "x" * (MAX_TOML_BYTES - 3) + "\n")
    assert at_limit.stat().st_size == MAX_TOML_BYTES
    with pytest.raises(ConfigError, match=r"the experiment file is empty"):
        load_experiment(at_limit)  # read: the limit itself is taken


def test_an_unreadable_file_says_whose_permissions(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("running as root: the file's permissions do not stop root reading it")
    path = tmp_path / "e.toml"
    path.write_text('[data]\nsource = "synthetic"\n' + SPLIT + MODELS)
    path.chmod(0)
    try:
        with pytest.raises(ConfigError, match=r"e\.toml: cannot read: Permission denied \(the "
                                              r"file's permissions do not let this user read "
                                              r"it\)"):
            load_experiment(path)
    finally:
        path.chmod(0o644)


def test_a_named_pipe_as_the_file_to_write_is_refused_even_with_overwrite(tmp_path, capsys):
    # before: "already exists; pass --overwrite", and --overwrite replaced the pipe
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    import stat

    experiment = tmp_path / "e.toml"
    experiment.write_text('[data]\nsource = "synthetic:n_users=80,n_items=60,n_interactions='
                          '1500"\n' + SPLIT + '[[models]]\ntype = "most_popular"\n[tune]\n'
                          'model = "most_popular"\ntrials = 1\n')
    fifo = tmp_path / "tuned.toml"
    os.mkfifo(fifo)
    assert _one_line_error(capsys, "tune", str(experiment), "--out", str(fifo),
                           "--overwrite") == (
        f"recstack: error: {fifo}: is a pipe, socket or device, but a file is to be written "
        "there; choose another --out or remove it")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
