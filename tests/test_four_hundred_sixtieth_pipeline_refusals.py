"""Two refusals the generated pipeline mutations found naming the wrong thing.

A plain ``[quality]`` key given a table (``volume_warn = {}``, or the sub-table
``[quality.volume_warn]``) was told "[quality.volume_warn]: not a check with thresholds;
they are: nulls, ...", as if the key did not exist; and a ``work`` folder whose place holds
a file was refused by the lock as "pipeline 'NAME': its work folder ... is (or lies under) a
file", naming neither the pipeline file nor its ``work`` key (and calling a named pipe a
file).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.errors import ConfigError
from recstack.ops.pipeline_config import parse_pipeline
from recstack.ops.quality import QualitySpec

PIPELINE = """\
name = "shop"

[data]
partitions = "logs"

[model]
type = "most_popular"

[registry]
root = "registry"
"""


@pytest.mark.parametrize("key, value, kind", [
    ("volume_warn", {}, "a number"), ("volume_history", {"a": 1}, "an integer"),
    ("timestamp_floor", {}, "a string"),
    ("max_missing_partitions", {"warn": 0.0}, "an integer")])
def test_a_plain_quality_key_given_a_table_is_its_wrong_value(key, value, kind):
    with pytest.raises(ConfigError) as raised:
        QualitySpec.from_table({key: value}, "p.toml: ")
    message = str(raised.value)
    assert message.startswith(f"p.toml: [quality] {key} = "), message
    assert "not a check with thresholds" not in message
    assert f"expected {kind}" in message


def test_share_check_tables_are_still_read_and_an_unknown_one_still_refused():
    spec = QualitySpec.from_table({"volume_warn": 3.0, "duplicates": {"fail": 0.2}})
    assert spec.volume_warn == 3.0
    assert (spec.shares["duplicates"].warn, spec.shares["duplicates"].fail) == (0.0, 0.2)
    with pytest.raises(ConfigError, match=r"\[quality\.duplicate\]: not a check with "
                                          r"thresholds \(did you mean 'duplicates'\?\)"):
        QualitySpec.from_table({"duplicate": {"fail": 0.2}})


def _pipeline(folder: Path, work: str | None) -> Path:
    text = PIPELINE if work is None else f'work = "{work}"\n' + PIPELINE
    path = folder / "pipeline.toml"
    path.write_text(text, encoding="utf-8")
    (folder / "logs").mkdir()
    return path


@pytest.mark.parametrize("work, blocked, relation", [
    ("notes.txt", "notes.txt", ""),
    ("notes.txt/inner", "notes.txt", " ({blocked} is a file)"),
    (None, "shop.pipeline", ""),
])
def test_a_work_folder_in_place_of_a_file_is_refused_naming_the_file_and_key(
        tmp_path, capsys, work, blocked, relation):
    from recstack.cli import main

    path = _pipeline(tmp_path, work)
    (tmp_path / blocked).write_text("mine\n", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    code = main(["pipeline", "run", str(path)])
    err = capsys.readouterr().err
    key = (f"work = {work!r}" if work is not None
           else "work (left out: shop.pipeline beside the file)")
    folder = tmp_path / (work or "shop.pipeline")
    assert code == 2
    assert err == (f"recstack: error: {path}: {key}: pipeline 'shop': its work folder "
                   f"{folder} is (or lies under) a file"
                   f"{relation.format(blocked=tmp_path / blocked)}; remove the file or set "
                   "another `work` folder in the pipeline file\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert (tmp_path / blocked).read_text(encoding="utf-8") == "mine\n"


def test_a_work_folder_that_is_a_link_leading_nowhere_names_the_key(tmp_path):
    from recstack.ops.pipeline import run_pipeline

    path = _pipeline(tmp_path, "work")
    (tmp_path / "work").symlink_to(tmp_path / "gone")
    spec = parse_pipeline({"work": "work", "data": {"partitions": "logs"},
                           "model": {"type": "most_popular"},
                           "registry": {"root": "registry"}},
                          source=str(path), base=tmp_path)
    with pytest.raises(ConfigError) as raised:
        run_pipeline(spec)
    assert str(raised.value).startswith(
        f"{path}: work = 'work': pipeline 'pipeline': its work folder {tmp_path / 'work'} is a "
        "symbolic link to ")
    assert not (tmp_path / "gone").exists()


def test_a_work_folder_that_is_a_named_pipe_is_named_as_one(tmp_path, capsys):
    import os

    from recstack.cli import main

    path = _pipeline(tmp_path, "work")
    os.mkfifo(tmp_path / "work")
    code = main(["pipeline", "run", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (f"recstack: error: {path}: work = 'work': pipeline 'shop': its work "
                   f"folder {tmp_path / 'work'} is a pipe, socket or device; remove the pipe, "
                   "socket or device or set another `work` folder in the pipeline file\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["logs", "pipeline.toml", "work"]
