"""The HTML report: sections, numbers checked independently, static fallback, bad input."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy import stats

from recstack.analysis.charts import Chart
from recstack.analysis.report import (
    SECTIONS,
    build_report,
    holm_adjust,
    popularity_buckets,
    recall_by_bucket,
    write_report,
)
from recstack.analysis.results_folder import read_results
from recstack.errors import RecstackError


@pytest.fixture(scope="module")
def report(results_dir: Path):
    return build_report(read_results(results_dir), projection=None)


def _section(report, name):
    return next(s for s in report.sections if s.id == name)


def _charts(section) -> list[Chart]:
    return [b for b in section.blocks if isinstance(b, Chart)]


def _text(section) -> str:
    return " ".join(b for b in section.blocks if isinstance(b, str))


def test_every_section_is_there_in_order(report) -> None:
    assert [s.id for s in report.sections] == [name for name, _ in SECTIONS]


def test_significance_matrix_agrees_with_scipy_on_the_csv_files(results_dir, report) -> None:
    chart = _charts(_section(report, "significance"))[0]
    labels = chart.heatmap.y_labels
    assert labels == ["most_popular", "item_knn", "als"]
    frames = {m: pd.read_csv(results_dir / f"per_user_{m}.csv", index_col=0)["ndcg@5"]
              for m in labels}
    for i, a in enumerate(labels):
        for j, b in enumerate(labels):
            if i == j:
                continue
            both = pd.concat([frames[a], frames[b]], axis=1, join="inner").dropna()
            assert chart.heatmap.z[i, j] == pytest.approx(
                (both.iloc[:, 0] - both.iloc[:, 1]).mean(), abs=1e-12)
    table = [b for b in _section(report, "significance").blocks if isinstance(b, str)][-1]
    both = pd.concat([frames["most_popular"], frames["als"]], axis=1, join="inner").dropna()
    p = stats.ttest_rel(both.iloc[:, 0], both.iloc[:, 1]).pvalue
    assert f"{p:.3g}" in table


def test_holm_adjustment_worked_by_hand() -> None:
    # sorted 0.01, 0.03, 0.04 -> 3 x 0.01, max(.., 2 x 0.03), max(.., 1 x 0.04)
    np.testing.assert_allclose(holm_adjust(np.array([0.01, 0.04, 0.03])), [0.03, 0.06, 0.06])
    np.testing.assert_allclose(holm_adjust(np.array([0.5, np.nan, 0.9])), [1.0, np.nan, 1.0])


def test_activity_segments_hold_the_users_of_their_count_range(results_dir, report) -> None:
    section = _section(report, "segments")
    chart = _charts(section)[0]
    labels = chart.series[0].x
    # the training rows per user, counted independently from the experiment's split
    from recstack.data.sources import load_source
    from recstack.data.splits import random_split

    split = random_split(load_source(
        "synthetic:n_users=300,n_items=200,n_interactions=8000,seed=1"), 0.2, seed=0)
    counts = pd.Series(split.train.user_counts(),
                       index=split.train.users.to_external(np.arange(split.train.n_users)))
    als = pd.read_csv(results_dir / "per_user_als.csv", index_col=0)["ndcg@5"]
    rows = counts.reindex(als.index)
    covered = 0
    for position, label in enumerate(labels):
        low, high = map(int, re.match(r"(\d+)–(\d+) rows", label).groups())
        members = als[(rows >= low) & (rows <= high)]
        covered += len(members)
        assert chart.series[2].y[position] == pytest.approx(members.mean(), abs=1e-12)
    assert covered == len(als)


def test_popularity_buckets_worked_by_hand() -> None:
    # 25 rows: the 10-row item is the head (items before it: 0 rows), the two 5-row items
    # start at 40% and 60% (middle), the rest start at >= 80% (tail)
    bucket, labels = popularity_buckets(np.array([1, 5, 10, 3, 5, 1]))
    assert bucket.tolist() == [2, 1, 0, 2, 1, 2]
    assert labels == ["head (1 item)", "middle (2 items)", "tail (3 items)"]


def test_recall_by_bucket_worked_by_hand() -> None:
    # user 0 likes items 0 (head) and 2 (tail); user 1 likes item 1 (head) and 2 (tail)
    relevant = sp.csr_matrix(np.array([[1, 0, 1, 0], [0, 1, 1, 0]]))
    bucket = np.array([0, 0, 1, 1])
    tops = {"m": np.array([[0, 3], [2, -1]])}  # user 0 finds 0, user 1 finds 2
    per_bucket, recall = recall_by_bucket(relevant, tops, bucket, 2)
    assert per_bucket.tolist() == [2, 2]
    np.testing.assert_allclose(recall["m"], [0.5, 0.5])


def test_embeddings_section_only_for_models_with_vectors(report) -> None:
    text = _text(_section(report, "embeddings"))
    assert "No embedding section for: most_popular (no embeddings), item_knn (no embeddings)" \
        in text
    assert "<h3>als</h3>" in text
    assert "Neighbourhood coherence" in text
    assert "nearest by cosine" in text


def test_beyond_accuracy_average_popularity_of_most_popular(results_dir, report) -> None:
    table = [b for b in _section(report, "beyond-accuracy").blocks
             if isinstance(b, str) and "<table>" in b][0]
    assert "genre diversity@10" in table
    assert "coverage@10" in table and "novelty@10" in table
    row = re.search(r"average popularity@10 \(training rows\)</td><td>(?:<b>)?([\d.]+)", table)
    # most_popular lists each user's 10 most popular unseen items: whichever of tied items
    # it takes, their mean count is the same, so the mean is known without the model
    from recstack.data.sources import load_source
    from recstack.data.splits import random_split

    split = random_split(load_source(
        "synthetic:n_users=300,n_items=200,n_interactions=8000,seed=1"), 0.2, seed=0)
    counts = split.train.item_counts()
    seen = split.train.to_csr().toarray() > 0
    test = split.test
    users = np.unique(test.user_index[test.value >= 4.0])
    means = []
    for user in users:
        unseen = np.sort(counts[~seen[user]])[::-1]
        means.append(unseen[:10].mean())
    assert float(row.group(1)) == pytest.approx(np.mean(means), abs=1e-4)


@pytest.mark.parametrize("interactive", [True, False])
def test_written_page_is_self_contained(results_dir, tmp_path, interactive) -> None:
    if interactive:
        pytest.importorskip("plotly")
    out = write_report(results_dir, tmp_path / "report.html", interactive=interactive,
                       max_points=150)
    page = out.read_text(encoding="utf-8")
    for name, _ in SECTIONS:
        assert f'<section id="{name}">' in page
    assert not re.search(r"<script[^>]+src=", page)
    # outside the inlined scripts (plotly.js mentions map-tile URLs it never loads here),
    # nothing points at the network; the browser test checks what is actually loaded
    markup = re.sub(r"<script.*?</script>", "", page, flags=re.DOTALL)
    assert not re.search(r"""(src|href)=["']https?://""", markup)
    assert ("Plotly.newPlot" in page) == interactive
    assert ("data:image/png;base64," in markup) == (not interactive)
    assert out.stat().st_size < 10 * 2**20
    assert "drawn at random with seed 0" in page  # the map's subsample is stated


def test_default_output_is_in_the_results_folder(results_dir, tmp_path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(results_dir, copy)
    out = write_report(copy, projection=None, interactive=False)
    assert out == copy / "report.html" and out.exists()


def test_without_plotly_the_fallback_is_static(results_dir, tmp_path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "plotly", None)
    out = write_report(results_dir, tmp_path / "r.html", projection=None)
    assert "data:image/png;base64," in out.read_text(encoding="utf-8")
    with pytest.raises(RecstackError, match=r'pip install "recstack\[insight\]"'):
        write_report(results_dir, tmp_path / "r2.html", interactive=True)


def test_calibration_curve_when_probabilities_were_evaluated(results_dir, tmp_path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(results_dir, copy)
    pd.DataFrame({"mean_predicted": [0.1, 0.5, 0.9], "observed_rate": [0.12, 0.45, 0.8],
                  "count": [50, 40, 10]}).to_csv(copy / "calibration_als.csv", index=False)
    section = _section(build_report(read_results(copy), refit="none", projection=None),
                       "calibration")
    chart = _charts(section)[0]
    assert [s.name for s in chart.series] == ["perfectly calibrated", "als"]
    np.testing.assert_allclose(chart.series[1].y, [0.12, 0.45, 0.8])


# ----------------------------------------------------------------------------- bad input
def _copy_without(results_dir: Path, tmp_path: Path, name: str) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(results_dir, copy)
    (copy / name).unlink()
    return copy


def test_missing_results_json_is_named(results_dir, tmp_path) -> None:
    copy = _copy_without(results_dir, tmp_path, "results.json")
    with pytest.raises(RecstackError, match="missing results.json, so this is not a "
                                            "results folder"):
        write_report(copy)


def test_missing_per_user_file_is_named(results_dir, tmp_path) -> None:
    copy = _copy_without(results_dir, tmp_path, "per_user_als.csv")
    with pytest.raises(RecstackError, match=r"missing per_user_als\.csv"):
        write_report(copy)


def test_older_format_names_the_missing_keys(results_dir, tmp_path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(results_dir, copy)
    payload = json.loads((copy / "results.json").read_text())
    del payload["experiment"], payload["diagnostics"]
    (copy / "results.json").write_text(json.dumps(payload))
    with pytest.raises(RecstackError, match="missing 'experiment', 'diagnostics'; written "
                                            "by an older recstack"):
        write_report(copy)


def test_damaged_json_and_missing_folder(tmp_path) -> None:
    with pytest.raises(RecstackError, match="no such folder"):
        write_report(tmp_path / "nowhere")
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "results.json").write_text("{oops")
    with pytest.raises(RecstackError, match=r"results.json:1: not valid JSON"):
        write_report(tmp_path / "r")


def test_data_that_cannot_be_loaded_leaves_a_report_that_says_so(results_dir,
                                                                 tmp_path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(results_dir, copy)
    payload = json.loads((copy / "results.json").read_text())
    payload["experiment"]["data"]["source"] = str(tmp_path / "moved.csv")
    (copy / "results.json").write_text(json.dumps(payload))
    page = write_report(copy, interactive=False).read_text(encoding="utf-8")
    assert "the experiment&#x27;s data could not be loaded again" in page
    assert 'id="comparison"' in page and "Paired differences" in page


def test_saved_models_are_used_instead_of_refitting(results_dir, tmp_path) -> None:
    from recstack.config import parse_experiment
    from recstack.experiment import build_models, make_split, prepare_data

    from .conftest import RAW

    copy = tmp_path / "copy"
    shutil.copytree(results_dir, copy)
    experiment = parse_experiment(RAW, source="small.toml", base=Path.cwd())
    split = make_split(experiment, prepare_data(experiment)[0])
    als = dict(build_models(experiment))["als"].fit(split.train)
    als.save(copy / "models" / "als")
    report = build_report(read_results(copy), refit="none", projection=None)
    text = _text(_section(report, "embeddings"))
    assert "<h3>als</h3>" in text
    assert "most_popular (not refitted), item_knn (not refitted)" in text
    how = _text(_section(report, "environment"))
    assert f"loaded from {copy / 'models' / 'als'}" in how
    assert "not refitted (refit=none)" in how


def test_maps_coloured_by_a_column_or_popularity(results_dir) -> None:
    folder = read_results(results_dir)
    by_year = build_report(folder, refit="embeddings", max_points=60, colour_by="year")
    chart = [c for c in _charts(_section(by_year, "embeddings")) if "TSNE" in c.title][0]
    assert chart.series[0].colour_label == "year"
    assert np.asarray(chart.series[0].colour).dtype.kind in "iuf"
    with pytest.raises(RecstackError, match="no column 'colour' for colouring the embedding "
                                            "maps; the columns are: 'popularity', 'item_id'"):
        build_report(folder, refit="embeddings", max_points=60, colour_by="colour")


def test_without_any_chart_library_or_tsne_the_report_still_reads(
        results_dir, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("plotly", "matplotlib", "openTSNE"):
        monkeypatch.setitem(sys.modules, name, None)
    page = write_report(results_dir, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "not drawn: charts need plotly or matplotlib" in page
    assert ("No tsne map: t-SNE maps need openTSNE: pip install &quot;recstack[insight]&quot;"
            in page)
    assert "Paired differences" in page and "<h3>als</h3>" in page


def test_relative_data_paths_are_read_from_the_recorded_base_folder(
        results_dir, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the experiment's data as a CSV next to where its file was, named relatively
    from recstack.data.sources import load_source

    from .conftest import SMALL

    base = tmp_path / "project"
    base.mkdir()
    load_source(SMALL).to_frame().to_csv(base / "ratings.csv", index=False)
    copy = tmp_path / "copy"
    shutil.copytree(results_dir, copy)
    payload = json.loads((copy / "results.json").read_text())
    payload["experiment"]["data"]["source"] = "ratings.csv"
    (copy / "results.json").write_text(json.dumps(payload))
    monkeypatch.chdir(tmp_path)
    report = build_report(read_results(copy), refit="none", projection=None)
    assert "could not be loaded" in " ".join(report.notes)
    payload["base_folder"] = str(base)
    (copy / "results.json").write_text(json.dumps(payload))
    report = build_report(read_results(copy), refit="none", projection=None)
    assert report.notes == []
    assert "rows" in _charts(_section(report, "segments"))[0].series[0].x[0]
