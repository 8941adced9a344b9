"""Hundred-eleventh bad-input probe of data sources: a blank source (``"   "``) was looked
for as a file named by its spaces, where an empty one is refused as blank; and a URL was
looked for as a local path (``.../https:/host/log.csv``) without saying that sources are
read from this machine's files."""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.data.sources import resolve_source
from recstack.errors import ConfigError


@pytest.mark.parametrize("source", ["", "   ", "\t", "\n"])
def test_a_blank_source_is_refused_as_an_empty_one(source):
    with pytest.raises(ConfigError) as refused:
        resolve_source(source, where="exp.toml: [data] source: ")
    assert str(refused.value) == ("exp.toml: [data] source: expected a path, a dataset name "
                                  f"or 'synthetic', got {source!r}")


@pytest.mark.parametrize("command", [["data", "info"], ["data", "split"]])
def test_a_blank_source_on_the_command_line_names_the_argument(capsys, command):
    with pytest.raises(SystemExit) as stopped:
        main([*command, "  ", "--out", "unused"] if command[1] == "split"
             else [*command, "  "])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and len(err.splitlines()) == 1, err
    assert err.strip().endswith("argument source: expected a path, a dataset name or "
                                "'synthetic', got '  '"), err


@pytest.mark.parametrize("url", ["https://files.grouplens.org/datasets/ml-100k.zip",
                                 "s3://bucket/log.parquet", "http://host/log.csv"])
def test_a_url_source_says_sources_are_local_files(url):
    with pytest.raises(ConfigError) as refused:
        resolve_source(url)
    assert ("(a URL: a source is read from this machine's files, so download it first and "
            "give the file's path; a MovieLens release is fetched with recstack data "
            "fetch)") in str(refused.value)


def test_a_plain_missing_path_is_not_called_a_url(tmp_path):
    with pytest.raises(ConfigError) as refused:
        resolve_source("ratings.csv", base=tmp_path)
    assert "a URL" not in str(refused.value)
