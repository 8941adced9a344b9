"""Round 52 (K): one rule for the names of files and folders recstack writes.

A name holding a control character (a line break or tab pasted with it, DEL) or starting
with ``-`` (``-`` read as standard output, ``-r.html`` as an option by every tool given it
afterwards) was refused by ``recstack ... --out`` and by the report writers, each with its
own copy of the rule, and taken by every other writer: ``checked_output``,
``write_recommendations``, a new SQLite embedding store and any folder written through
``atomic_directory`` (model saves, partitioned tables) were written under such names. The
rule now lives in :mod:`recstack.atomic`. ``write_report(out="~")`` was called
"/root: is a folder" where ``--out`` says it names a home folder."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from recstack.atomic import atomic_directory, checked_output
from recstack.errors import RecstackError

CONTROL_NAMES = [("a\nb.html", "'\\n'", 2), ("page\t.html", "'\\t'", 5),
                 ("a\x7fb.html", "'\\x7f'", 2)]


def _checked_html(path: object) -> Path:
    return checked_output(path, "save(path)", suffixes=(".html",), writes="an HTML page")


@pytest.mark.parametrize(("name", "shown", "position"), CONTROL_NAMES)
def test_checked_output_refuses_a_control_character(tmp_path, name, shown, position):
    with pytest.raises(RecstackError) as refused:
        _checked_html(str(tmp_path / name))
    full = str(tmp_path / name)
    assert str(refused.value) == (
        f"save(path): {full!r} holds the control character {shown} (at position "
        f"{len(str(tmp_path)) + 1 + position}); a file name is written without line "
        "breaks, tabs or other control characters")


def test_checked_output_refuses_a_control_character_in_a_path_too(tmp_path):
    # a Path loses only a leading './', never a character of a name
    with pytest.raises(RecstackError, match="holds the control character '\\\\t'"):
        _checked_html(tmp_path / "page\t.html")


def test_checked_output_refuses_dash_and_option_like_text(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RecstackError) as refused:
        _checked_html("-")
    assert str(refused.value) == (
        "save(path): '-' (standard input or output) is not taken here: give the file to "
        "write by its path; if that is its name, write ./-")
    with pytest.raises(RecstackError) as refused:
        _checked_html("-r.html")
    assert str(refused.value) == (
        "save(path): '-r.html' starts with '-', as an option does, and every command given "
        "the file's name afterwards would read it as one; name it otherwise, or write "
        "./-r.html")


def test_the_dot_spelling_and_a_path_object_are_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _checked_html("./-r.html") == Path("-r.html")
    # Path("./-r.html") is Path("-r.html"): the command line hands writers such paths
    # for `--out ./-r.html`, so a Path is not judged by its leading '-'
    assert _checked_html(Path("-r.html")) == Path("-r.html")
    assert _checked_html("sub/-r.html") == Path("sub/-r.html")


@pytest.mark.parametrize("name", ["-lists.csv", "-", "lists\n.csv"])
def test_write_recommendations_refuses_the_same_names(tmp_path, monkeypatch, name):
    from recstack.serving.commands import write_recommendations

    monkeypatch.chdir(tmp_path)
    frame = pd.DataFrame({"user_id": [1], "rank": [1], "item_id": [2], "score": [0.5]})
    with pytest.raises(RecstackError, match=r"^write_recommendations\(out\): "):
        write_recommendations(iter([frame]), name)
    assert os.listdir(tmp_path) == []
    assert write_recommendations(iter([frame]), "./-lists.csv") == 1
    assert (tmp_path / "-lists.csv").read_text().splitlines()[1] == "1,1,2,0.5"


def test_a_new_folder_is_refused_under_such_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("-model", "-", "model\n", "new\tparent/model"):
        with pytest.raises(RecstackError) as refused:
            with atomic_directory(name, overwrite=False):
                pass
        assert str(refused.value).startswith(repr(name))
    assert os.listdir(tmp_path) == []
    with pytest.raises(RecstackError, match=r"^'-model' starts with '-', as an option does, "
                                            r"and every command given the folder's name "
                                            r"afterwards would read it as one; name it "
                                            r"otherwise, or write \./-model$"):
        with atomic_directory("-model", overwrite=False):
            pass


def test_folders_written_as_names_are_taken(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with atomic_directory("./-model", overwrite=False) as staging:
        (staging / "a.txt").write_text("x")
    with atomic_directory(Path("-other"), overwrite=False) as staging:
        (staging / "a.txt").write_text("y")
    assert (tmp_path / "-model" / "a.txt").read_text() == "x"
    assert (tmp_path / "-other" / "a.txt").read_text() == "y"


def test_an_existing_folder_with_such_a_name_is_written_into_and_replaced(tmp_path,
                                                                          monkeypatch):
    # the rule is for names given to new files and folders: one that exists is used
    monkeypatch.chdir(tmp_path)
    odd = tmp_path / "old\tparent"
    odd.mkdir()
    with atomic_directory(str(odd / "model"), overwrite=False) as staging:
        (staging / "a.txt").write_text("new")
    assert (odd / "model" / "a.txt").read_text() == "new"
    (tmp_path / "-kept").mkdir()
    with atomic_directory("-kept", overwrite=True) as staging:
        (staging / "b.txt").write_text("b")
    assert os.listdir(tmp_path / "-kept") == ["b.txt"]


def test_a_model_save_refuses_a_control_character(tmp_path, monkeypatch):
    from recstack.models import MostPopular
    from recstack.models.persistence import load_model

    monkeypatch.chdir(tmp_path)
    interactions = pd.DataFrame({"user_id": [1, 1, 2], "item_id": [10, 11, 10],
                                 "value": [5.0, 4.0, 3.0]})
    model = _fit_most_popular(MostPopular, interactions)
    with pytest.raises(RecstackError, match=r"^'model\\n' holds the control character "):
        model.save("model\n")
    assert os.listdir(tmp_path) == []
    model.save("./-m")
    assert load_model("-m").name == model.name


def _fit_most_popular(model_class, interactions):
    from recstack.data import Interactions

    return model_class().fit(Interactions.from_frame(interactions))


def test_an_existing_file_so_named_is_still_read(tmp_path, monkeypatch):
    from recstack.data.files import load_table

    monkeypatch.chdir(tmp_path)
    for name in ("-log.csv", "tab\tlog.csv"):
        (tmp_path / name).write_text("user_id,item_id,rating\n1,10,5\n2,11,3\n")
        table = load_table(name)
        assert len(table) == 2


def test_a_new_sqlite_store_with_a_control_character_is_refused_an_existing_one_opened(
        tmp_path):
    from recstack.serving.embedding_store import open_store

    with pytest.raises(RecstackError, match="holds the control character '\\\\n'"):
        open_store(str(tmp_path / "vec\n.db"))
    assert os.listdir(tmp_path) == []
    made = open_store(str(tmp_path / "vec.db"))
    made.close()
    os.rename(tmp_path / "vec.db", tmp_path / "vec\n.db")
    opened = open_store(str(tmp_path / "vec\n.db"))
    opened.close()


@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory) -> Path:
    from recstack.config import parse_experiment
    from recstack.experiment import run_experiment

    raw = {"name": "tiny", "seed": 0,
           "data": {"source": "synthetic:n_users=60,n_items=40,n_interactions=800,seed=3"},
           "split": {"method": "random", "test_fraction": 0.2},
           "evaluation": {"metrics": ["precision"], "ks": [5]},
           "models": [{"type": "most_popular"}]}
    out = tmp_path_factory.mktemp("k_results") / "results"
    run_experiment(parse_experiment(raw, source="tiny.toml", base=Path.cwd()), out=out)
    return out


def test_write_report_calls_a_tilde_a_home_folder_as_the_cli_does(tiny_results):
    from recstack.analysis.report import write_report

    with pytest.raises(RecstackError) as refused:
        write_report(tiny_results, "~", refit="none", projection=None, interactive=False)
    assert str(refused.value).startswith("write_report(out): '~' names a home folder, but "
                                         "an HTML page is written here; give the file's "
                                         "name, e.g. ~/report.html")


def test_the_pipeline_page_judges_its_name_as_typed_too(tmp_path):
    import json

    from recstack.analysis.pipeline_report import write_pipeline_report

    folder = tmp_path / "run"
    (folder / "report").mkdir(parents=True)
    (folder / "report" / "report.json").write_text(json.dumps({}), encoding="utf-8")
    with pytest.raises(RecstackError, match=r"^write_pipeline_report\(out\): '~' names a "
                                            r"home folder"):
        write_pipeline_report(folder, "~")


def test_the_cli_words_are_kept(tmp_path, monkeypatch, capsys):
    from recstack.cli import main

    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit):
        main(["data", "synth", "--out=-q"])
    assert ("argument --out: '-q' starts with '-', as an option does: an option was given "
            "where the file or folder to write belongs; if that is its name, write ./-q"
            ) in capsys.readouterr().err
    assert os.listdir(tmp_path) == []
