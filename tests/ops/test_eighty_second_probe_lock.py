"""The pipeline lock: a run refused inside a work folder it made leaves no folder holding
only a lock behind, and a lock file removed by its former holder is never shared."""

from __future__ import annotations

import os

import pytest

from recstack.errors import RecstackError
from recstack.ops.lock import PipelineBusy, pipeline_lock


def test_a_refused_run_in_a_new_work_folder_leaves_nothing(tmp_path):
    work = tmp_path / "deep" / "shop.pipeline"
    with pytest.raises(RecstackError, match="refused"):
        with pipeline_lock(work, "shop"):
            assert (work / "lock").is_file()
            raise RecstackError("refused")
    assert not (tmp_path / "deep").exists()
    assert list(tmp_path.iterdir()) == []


def test_a_run_that_wrote_files_keeps_its_folder_and_lock(tmp_path):
    work = tmp_path / "shop.pipeline"
    with pipeline_lock(work, "shop"):
        (work / "state.json").write_text("{}")
    assert sorted(p.name for p in work.iterdir()) == ["lock", "state.json"]


def test_an_existing_work_folder_is_never_removed(tmp_path):
    work = tmp_path / "shop.pipeline"
    work.mkdir()
    with pipeline_lock(work, "shop"):
        pass
    assert work.is_dir()


def test_the_lock_is_held_and_free_again_after(tmp_path):
    work = tmp_path / "shop.pipeline"
    with pipeline_lock(work, "shop"):
        with pytest.raises(PipelineBusy, match=f"process {os.getpid()}"):
            with pipeline_lock(work, "shop"):
                pass
    with pipeline_lock(work, "shop"):
        pass


def test_a_lock_file_replaced_while_waiting_is_not_shared(tmp_path):
    # the holder removes the file it locked: a second run that opened the old file must
    # take the one at the path, which a third run then finds held
    work = tmp_path / "shop.pipeline"
    work.mkdir()
    with pipeline_lock(work, "shop"):
        os.unlink(work / "lock")
        with pipeline_lock(work, "shop"):
            with pytest.raises(PipelineBusy):
                with pipeline_lock(work, "shop"):
                    pass


@pytest.mark.parametrize("items", ["logs", "catalog.parquet"])
def test_a_pipeline_refused_for_a_folder_leaves_no_work_folder(tmp_path, capsys, items):
    from recstack.cli import main

    from .scenario import make_data, write_pipeline

    folder = make_data(tmp_path / "p")
    (folder / "catalog.parquet").mkdir()
    path = write_pipeline(folder)
    path.write_text(path.read_text().replace('items = "items.parquet"', f'items = "{items}"'))
    assert main(["pipeline", "run", str(path)]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert f"{items}: is a folder; expected the [data] items file, a .csv or .parquet " \
           "file" in err, err
    assert not (folder / "shop.pipeline").exists()
