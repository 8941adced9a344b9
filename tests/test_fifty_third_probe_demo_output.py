"""`recstack demo` refuses an --out that cannot take its results before it generates and
describes the dataset, not after (the refusal came below a screen of statistics)."""

import pytest

import recstack.data.synthetic as synthetic
from recstack.cli import main


@pytest.fixture
def no_generation(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the dataset was generated before the output was checked")

    monkeypatch.setattr(synthetic, "generate", refuse)


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_file_at_results_demo_is_refused_before_any_work(tmp_path, monkeypatch, capsys,
                                                           no_generation):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "demo").write_text("notes\n")
    code, out, err = _run(capsys, "demo")
    assert code != 0
    assert "results/demo" in err and "is a file" in err
    assert "Traceback" not in err
    assert "synthetic dataset" not in out  # nothing described before the refusal
    assert (tmp_path / "results" / "demo").read_text() == "notes\n"


def test_a_file_where_the_results_folder_goes_is_named(tmp_path, monkeypatch, capsys,
                                                       no_generation):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "results").write_text("not a folder\n")
    code, out, err = _run(capsys, "demo")
    assert code != 0
    assert "results is a file, not a folder" in err
    assert "synthetic dataset" not in out
    assert (tmp_path / "results").read_text() == "not a folder\n"


def test_a_folder_of_other_files_is_not_replaced(tmp_path, monkeypatch, capsys,
                                                 no_generation):
    out_dir = tmp_path / "mine"
    out_dir.mkdir()
    (out_dir / "thesis.tex").write_text("keep me\n")
    code, out, err = _run(capsys, "demo", "--out", str(out_dir))
    assert code != 0
    assert "thesis.tex" in err
    assert (out_dir / "thesis.tex").read_text() == "keep me\n"
