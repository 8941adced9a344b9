"""Two-hundred-forty-first bad-input probe: an experiment or pipeline path naming a file of
another format (a Parquet file of the data, a gzip or bzip2 archive, a spreadsheet) was
told "not UTF-8 text (byte 7); save the file as UTF-8", which no such file can be. Now the
format is named, and the TOML file asked for; a TOML file that merely begins with the
letters of a format's mark is still read as TOML."""

from __future__ import annotations

import bz2
import gzip
import io
import zipfile

import pandas as pd
import pytest

from recstack.cli import main
from recstack.config import load_experiment
from recstack.errors import ConfigError
from recstack.ops.pipeline_config import load_pipeline


def _parquet() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"user_id": [1], "item_id": [2]}).to_parquet(buffer)
    return buffer.getvalue()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("sheet.xml", "<a/>")
    return buffer.getvalue()


TOML = b'[data]\nsource = "synthetic"\n'
FORMATS = {"a Parquet file": _parquet, "a gzip-compressed file": lambda: gzip.compress(TOML),
           "a bzip2-compressed file": lambda: bz2.compress(TOML),
           "a zip file (or an Excel/Office document)": _zip,
           "an SQLite database": lambda: b"SQLite format 3\x00" + bytes(range(256)) * 4}


@pytest.mark.parametrize("name", FORMATS)
def test_a_file_of_another_format_is_named_as_such(tmp_path, name):
    path = tmp_path / "run.toml"
    path.write_bytes(FORMATS[name]())
    with pytest.raises(ConfigError) as caught:
        load_experiment(path)
    assert str(caught.value) == (f"{path}: is {name}, not a TOML experiment file; give the "
                                 "experiment's .toml file (key = value lines and [table] "
                                 "headers)")
    with pytest.raises(ConfigError) as caught:
        load_pipeline(path)
    assert str(caught.value) == (f"{path}: is {name}, not a TOML pipeline file; give the "
                                 "pipeline's .toml file (key = value lines and [table] "
                                 "headers)")


def test_the_cli_says_it_in_one_line(tmp_path, capsys):
    path = tmp_path / "items.parquet"
    path.write_bytes(_parquet())
    assert main(["evaluate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == (f"recstack: error: {path}: is a Parquet file, not a TOML experiment file; "
                   "give the experiment's .toml file (key = value lines and [table] "
                   "headers)\n")


def test_a_toml_file_beginning_with_a_marks_letters_is_read_as_toml(tmp_path):
    path = tmp_path / "run.toml"
    path.write_bytes(b"BZh1 = 3\n" + TOML)
    # read as TOML: its first key is the one refused, by name
    with pytest.raises(ConfigError, match="unknown key 'BZh1'"):
        load_experiment(path)
