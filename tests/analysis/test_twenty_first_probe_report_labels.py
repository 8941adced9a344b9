"""Twenty-first bad-input probe, a results.json whose models are not its experiment's: an
entry removed by hand (with its per-user file), or a label renamed, left the experiment
with models the folder held no results for. The report refitted (or loaded) them all, and
their top-K lists were a bare ``KeyError: 'item_knn'`` in the beyond-accuracy table. Now
the report is of the models the folder holds, and a label the experiment does not have is
said to be not refitted, naming the experiment's models."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

from recstack.analysis.report import build_report, write_report
from recstack.analysis.results_folder import read_results


def _edited(results_dir: Path, tmp_path: Path, edit) -> Path:
    folder = Path(shutil.copytree(results_dir, tmp_path / "results"))
    path = folder / "results.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    edit(payload, folder)
    path.write_text(json.dumps(payload), encoding="utf-8")
    return folder


def _drop_item_knn(payload, folder):
    payload["models"] = [m for m in payload["models"] if m["model"] != "item_knn"]
    (folder / "per_user_item_knn.csv").unlink()


def _how_fitted(report) -> str:
    """The last table of the environment section: how each model was had for the report."""
    section = next(s for s in report.sections if s.id == "environment")
    last = section.blocks[-1]
    assert isinstance(last, str) and "fitted model for this report" in last
    return html.unescape(last)


def test_a_model_removed_from_the_results_is_left_out_of_the_report(results_dir, tmp_path):
    folder = _edited(results_dir, tmp_path, _drop_item_knn)
    page = write_report(folder, tmp_path / "page.html", refit="all", projection=None,
                        interactive=False)
    assert page.is_file()
    report = build_report(read_results(folder), refit="all", projection=None)
    beyond = next(s for s in report.sections if s.id == "beyond-accuracy")
    table = " ".join(b for b in beyond.blocks if isinstance(b, str))
    assert "most_popular" in table and "als" in table and "item_knn" not in table
    how = _how_fitted(report)
    assert "most_popular" in how and "als" in how and "item_knn" not in how


def test_a_renamed_label_is_said_to_be_not_refitted(results_dir, tmp_path):
    def rename(payload, folder):
        payload["models"][2]["model"] = "mine"
        (folder / "per_user_als.csv").rename(folder / "per_user_mine.csv")

    folder = _edited(results_dir, tmp_path, rename)
    report = build_report(read_results(folder), refit="all", projection=None)
    text = _how_fitted(report)
    assert ("not refitted: the experiment in results.json has no model labelled 'mine' "
            "(its models: most_popular, item_knn, als)") in text
    embeddings = next(s for s in report.sections if s.id == "embeddings")
    assert "mine (not refitted)" in html.unescape(" ".join(
        b for b in embeddings.blocks if isinstance(b, str)))
