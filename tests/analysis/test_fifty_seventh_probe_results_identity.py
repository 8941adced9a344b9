"""Results folders of one data file, its path written differently, are comparable; and a
report that fails leaves the old results folder, report included, as it was."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recstack.analysis.results_folder import read_results
from recstack.config import load_experiment, parse_experiment
from recstack.errors import RecstackError
from recstack.evaluation.results import comparison_table
from recstack.experiment import run_experiment

EXPERIMENT = """name = "{name}"
[data]
source = "{source}"
value_col = "rating"
[split]
method = "random"
test_fraction = 0.2
seed = 1
[evaluation]
ks = [5]
[[models]]
type = "most_popular"
label = "pop_{name}"
"""


@pytest.fixture()
def log(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"user_id": rng.integers(0, 40, 1500),
                          "item_id": rng.integers(0, 60, 1500),
                          "rating": rng.integers(1, 6, 1500)})
    path = tmp_path / "x.csv"
    frame.drop_duplicates(["user_id", "item_id"]).to_csv(path, index=False)
    (tmp_path / "sub").mkdir()
    return path


def _run(folder: Path, source: str, name: str, out: Path) -> Path:
    file = folder / f"{name}.toml"
    file.write_text(EXPERIMENT.format(name=name, source=source), encoding="utf-8")
    run_experiment(load_experiment(file), out=out)
    return out


def test_one_file_named_by_other_paths_is_one_data(log: Path, tmp_path: Path) -> None:
    folders = [_run(tmp_path, "x.csv", "a", tmp_path / "a"),
               _run(tmp_path, "./x.csv", "b", tmp_path / "b"),
               _run(tmp_path / "sub", "../x.csv", "c", tmp_path / "c"),
               _run(tmp_path / "sub", str(log), "d", tmp_path / "d")]
    results = [read_results(folder).results[0] for folder in folders]
    table = comparison_table(results)  # was refused: "results folders of different data"
    assert list(table.index) == ["pop_a", "pop_b", "pop_c", "pop_d"]
    assert results[0].compare(results[2], "ndcg@5").n_users > 1


def test_another_file_is_still_other_data(log: Path, tmp_path: Path) -> None:
    other = tmp_path / "sub" / "x.csv"  # same name, another folder, another file
    pd.read_csv(log).sample(frac=1.0, random_state=3).head(1200).to_csv(other, index=False)
    a = read_results(_run(tmp_path, "x.csv", "a", tmp_path / "a")).results[0]
    b = read_results(_run(tmp_path / "sub", "x.csv", "b", tmp_path / "b")).results[0]
    with pytest.raises(RecstackError, match="come from results folders of different data"):
        comparison_table([a, b])


def test_synthetic_settings_in_another_order_are_one_data(tmp_path: Path) -> None:
    def run(source: str, name: str) -> Path:
        raw = {"name": name, "data": {"source": source},
               "split": {"method": "random", "test_fraction": 0.2, "seed": 1},
               "evaluation": {"ks": [5]}, "models": [{"type": "most_popular", "label": name}]}
        out = tmp_path / name
        run_experiment(parse_experiment(raw, source=f"{name}.toml", base=tmp_path), out=out)
        return out

    a = read_results(run("synthetic:n_users=80,n_items=50,n_interactions=1500,seed=1", "a"))
    b = read_results(run("synthetic:seed=1,n_interactions=1500,n_items=50,n_users=80", "b"))
    assert list(comparison_table([a.results[0], b.results[0]]).index) == ["a", "b"]


def _report_experiment(tmp_path: Path, extra: str = "") -> Path:
    file = tmp_path / "e.toml"
    file.write_text('name = "e"\n[data]\nsource = "synthetic:n_users=80,n_items=50,'
                    'n_interactions=1500,seed=1"\n[split]\nmethod = "random"\n'
                    'test_fraction = 0.2\n[evaluation]\nks = [5]\n[[models]]\n'
                    'type = "most_popular"\n[report]\nhtml = true\nprojection = "none"\n'
                    'refit = "none"\n' + extra, encoding="utf-8")
    return file


@pytest.mark.parametrize("failure", [
    RecstackError("the page cannot be drawn"),
    OSError(errno.ENOSPC, "No space left on device"),
])
def test_a_failed_report_keeps_the_new_results_and_says_how_to_draw_it(
        tmp_path: Path, monkeypatch, failure) -> None:
    import recstack.analysis.report as report

    experiment = load_experiment(_report_experiment(tmp_path))
    out = tmp_path / "out"
    run_experiment(experiment, out=out)
    assert (out / "report.html").exists()
    (out / "results.json").write_text("{}", encoding="utf-8")  # marks the old folder

    def broken(*args, **kwargs):
        raise failure

    monkeypatch.setattr(report, "render_html", broken)
    with pytest.raises(RecstackError, match=r"\[report\] html = true: the results are "
                                            r"written to .* but the report failed: .*"
                                            r"recstack report"):
        run_experiment(experiment, out=out, overwrite=True)
    # the new results, whole; no report of the old results beside them
    assert json.loads((out / "results.json").read_text(encoding="utf-8"))["models"]
    assert (out / "summary.csv").exists()
    assert not (out / "report.html").exists()
    assert sorted(os.listdir(tmp_path)) == ["e.toml", "out"]  # no staging left behind


def test_a_failed_first_report_still_writes_the_results(tmp_path: Path, monkeypatch) -> None:
    import recstack.analysis.report as report

    experiment = load_experiment(_report_experiment(tmp_path))

    def broken(*args, **kwargs):
        raise RecstackError("the page cannot be drawn")

    monkeypatch.setattr(report, "render_html", broken)
    with pytest.raises(RecstackError, match="the page cannot be drawn.*recstack report"):
        run_experiment(experiment, out=tmp_path / "out")
    assert (tmp_path / "out" / "results.json").exists()
    assert not (tmp_path / "out" / "report.html").exists()


def test_the_report_names_the_results_folder_not_its_staging_copy(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_experiment(load_experiment(_report_experiment(tmp_path, "save_models = true\n")),
                   out=out)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert f"results folder {out.resolve()}" in page
    assert f"loaded from {out / 'models' / 'most_popular'}" in page
    assert ".recstack-" not in page  # the staging folder's name


def test_a_data_file_changed_between_two_runs_is_not_one_data(log: Path, tmp_path: Path
                                                              ) -> None:
    a = read_results(_run(tmp_path, "x.csv", "a", tmp_path / "a")).results[0]
    frame = pd.read_csv(log)
    frame.head(len(frame) - 40).to_csv(log, index=False)  # the same path, fewer rows
    b = read_results(_run(tmp_path, "x.csv", "b", tmp_path / "b")).results[0]
    with pytest.raises(RecstackError, match="come from results folders of different splits"):
        comparison_table([a, b])
