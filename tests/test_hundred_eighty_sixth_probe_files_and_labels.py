"""Hundred-eighty-sixth probe: experiment files and file outputs.

A TOML date where a model's number goes was shown as Python writes it ("factors =
datetime.date(1979, 5, 27): factors must be int, got datetime.date(1979, 5, 27)"), and one
inside a list too (``ks = [datetime.date(...)]``); two labels that differ only in how an
accent is encoded ('café' composed and 'cafe' + U+0301) were taken as two models whose
result files one file system (macOS) takes for one; a UTF-16 experiment file without its
byte-order mark was a TOML error at its first NUL ("retype that part of the line"), and
with the mark "not UTF-8 text (byte 0)"; a ``--out`` too long for the file system was the
operating system's OSError traceback from ``recstack report --out`` (and "File name too
long", naming neither the part nor the limit, from the atomic writers); a named pipe as
``--out`` was refused in other words than every other writer's. Each test failed before
its fix."""

from __future__ import annotations

import datetime
import os

import pytest

from recstack.atomic import atomic_path, checked_output, refuse_non_file, write_text
from recstack.cli import main
from recstack.config import load_experiment, parse_experiment
from recstack.errors import ConfigError, RecstackError, shown, shown_as_written
from recstack.experiment import check_output_file

HEAD = '[data]\nsource = "synthetic"\n[split]\nmethod = "random"\ntest_fraction = 0.2\n'


def _refusal(tmp_path, text: str) -> str:
    path = tmp_path / "e.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_experiment(path)
    return str(caught.value)


# ------------------------------------------------------------------ TOML dates shown
def test_a_date_as_a_model_parameter_is_shown_as_the_file_writes_it(tmp_path):
    message = _refusal(tmp_path, HEAD + '[[models]]\ntype = "als"\nfactors = 1979-05-27\n')
    assert message == (f"{tmp_path / 'e.toml'}: [[models]] #1 (als) factors = 1979-05-27: "
                       "factors must be int, got 1979-05-27")


def test_a_date_inside_a_list_is_shown_as_the_file_writes_it(tmp_path):
    message = _refusal(tmp_path, HEAD + '[evaluation]\nks = [10, 1979-05-27]\n'
                       '[[models]]\ntype = "random"\n')
    assert message == (f"{tmp_path / 'e.toml'}: [evaluation] ks = [10, 1979-05-27]: "
                       "expected a list of integers")


def test_shown_as_written_writes_dates_times_and_moments_as_iso_text():
    moment = datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    assert shown_as_written(datetime.date(1979, 5, 27)) == "1979-05-27"
    assert shown_as_written(datetime.time(7, 32)) == "07:32:00"
    assert shown_as_written(moment) == "2020-01-02T03:04:05+00:00"
    assert shown_as_written([1, datetime.date(2020, 1, 1)]) == "[1, 2020-01-01]"
    assert shown_as_written((datetime.date(2020, 1, 1),)) == "(2020-01-01,)"
    assert shown_as_written({"a": [datetime.time(1, 2)]}) == "{'a': [01:02:00]}"
    # anything else as shown() writes it; shown() itself keeps Python's words for Python
    # callers (a date in a data column is a Python value)
    assert shown_as_written([1, "a", None]) == "[1, 'a', None]"
    assert shown_as_written(2.5) == shown(2.5) == "2.5"
    assert shown(datetime.date(1979, 5, 27)) == "datetime.date(1979, 5, 27)"


# ------------------------------------------------------------------ labels
def _models(*labels):
    return {"data": {"source": "synthetic"}, "split": {"method": "random"},
            "models": [{"type": kind, "label": label}
                       for kind, label in zip(["random", "most_popular"], labels, strict=True)]}


def test_labels_that_differ_only_in_how_an_accent_is_encoded_are_refused():
    composed, decomposed = "caf\u00e9", "cafe\u0301"
    with pytest.raises(ConfigError) as caught:
        parse_experiment(_models(composed, decomposed))
    assert str(caught.value) == (
        f'<experiment>: [[models]] #2 label: "{decomposed}" differs from "{composed}", '
        "already a label, only in how its accented letters are encoded ('cafe\\u0301' "
        "beside 'caf\\xe9': composed or decomposed Unicode), so the two print alike; the "
        "results name files by label, which macOS takes for one file; choose labels that "
        "differ in their letters")


def test_labels_that_differ_in_case_and_accent_encoding_say_both():
    with pytest.raises(ConfigError) as caught:
        parse_experiment(_models("Caf\u00e9", "cafe\u0301"))
    assert str(caught.value).startswith(
        '<experiment>: [[models]] #2 label: "cafe\u0301" differs only in case (and in how its '
        'accented letters are encoded) from "Caf\u00e9", already a label; ')


def test_labels_in_one_encoding_or_differing_in_letters_still_pass():
    experiment = parse_experiment(_models("caf\u00e9", "cafe"))
    assert [m.label for m in experiment.models] == ["caf\u00e9", "cafe"]


# ------------------------------------------------------------------ encodings
@pytest.mark.parametrize(("encoding", "says"), [
    ("utf-16", "is UTF-16 text (it starts with a UTF-16 byte-order mark)"),
    ("utf-32", "is UTF-32 text (it starts with a UTF-32 byte-order mark)"),
    ("utf-16-le", "looks like UTF-16 text without a byte-order mark (every other byte is 0)"),
    ("utf-16-be", "looks like UTF-16 text without a byte-order mark (every other byte is 0)"),
])
def test_an_experiment_file_in_utf16_or_utf32_is_named_so(tmp_path, encoding, says):
    path = tmp_path / "e.toml"
    path.write_bytes((HEAD + '[[models]]\ntype = "random"\n').encode(encoding))
    with pytest.raises(ConfigError) as caught:
        load_experiment(path)
    assert str(caught.value) == (f"{path}:1: {says}, not UTF-8 text; save the file as UTF-8 "
                                 "(the experiment file is read as UTF-8)")


# ------------------------------------------------------------------ file outputs
def test_an_out_too_long_for_the_file_system_is_refused_not_an_oserror(tmp_path):
    out = tmp_path / ("r" * 300 + ".html")
    with pytest.raises(RecstackError) as caught:
        check_output_file(out, overwrite=True)
    assert str(caught.value) == (
        "cannot write there: the path is a name longer than the file system allows: its "
        f"part '{'r' * 30}...{'r' * 10}.html' (305 characters) is 305 bytes long, and a file "
        "or folder name holds at most 255; choose a shorter --out")


def test_report_out_too_long_is_one_line(tmp_path, capsys):
    code = main(["report", str(tmp_path), "--out", str(tmp_path / ("r" * 300 + ".html"))])
    err = capsys.readouterr().err
    # it was "File name too long": the clean-up after the refusal raised the system's
    # error for the same name, which replaced the refusal
    assert code == 2 and err == (
        "recstack: error: cannot write there: the path is a name longer than the file "
        f"system allows: its part '{'r' * 30}...{'r' * 10}.html' (305 characters) is 305 "
        "bytes long, and a file or folder name holds at most 255; choose a shorter --out\n")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_every_writer_refuses_a_pipe_in_one_set_of_words(tmp_path):
    pipe = tmp_path / "p.html"
    os.mkfifo(pipe)
    tail = "is a pipe, socket or device, but a file is to be written there; choose another"
    with pytest.raises(RecstackError) as direct:
        write_text(pipe, "x")
    with pytest.raises(RecstackError) as checked:
        checked_output(pipe, "save(path)", suffixes=(".html",), writes="an HTML page")
    with pytest.raises(RecstackError) as option:
        check_output_file(pipe, overwrite=True)
    assert str(direct.value) == f"{pipe}: {tail} name or remove it"
    assert str(checked.value) == f"save(path): {pipe}: {tail} name or remove it"
    assert str(option.value) == f"{pipe}: {tail} --out or remove it"


def test_the_shared_check_passes_nothing_and_a_file_and_writes_stay_atomic(tmp_path):
    refuse_non_file(tmp_path / "new.txt")
    (tmp_path / "old.txt").write_text("old")
    refuse_non_file(tmp_path / "old.txt")
    with atomic_path(tmp_path / "old.txt") as temporary:
        temporary.write_text("new")
    assert (tmp_path / "old.txt").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.txt"]
