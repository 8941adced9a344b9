"""The report's user-activity segments matched every model's per-user values against the
first model's users: a model evaluated on other users showed "–" (or the mean of the users
it shares with the first) where it had values. And results.json read Python's bare NaN and
Infinity, which `recstack evaluate` never writes (it writes null)."""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pandas as pd
import pytest

from recstack.analysis.charts import Chart
from recstack.analysis.report import build_report
from recstack.analysis.results_folder import read_results
from recstack.errors import RecstackError


@pytest.fixture
def folder(tmp_path, results_dir):
    copy = tmp_path / "results"
    shutil.copytree(results_dir, copy)
    return copy


def _train_counts() -> pd.Series:
    # the training rows per user, counted independently from the experiment's split
    from recstack.data.sources import load_source
    from recstack.data.splits import random_split

    split = random_split(load_source(
        "synthetic:n_users=300,n_items=200,n_interactions=8000,seed=1"), 0.2, seed=0)
    return pd.Series(split.train.user_counts(),
                     index=split.train.users.to_external(np.arange(split.train.n_users)))


def test_each_model_is_matched_by_its_own_users(folder):
    # the first model (most_popular) keeps only the first 20 of its users
    path = folder / "per_user_most_popular.csv"
    table = pd.read_csv(path)
    table.head(20).to_csv(path, index=False)
    # as an evaluation of those 20 users would have written it
    results_json = folder / "results.json"
    payload = json.loads(results_json.read_text(encoding="utf-8"))
    entry = next(e for e in payload["models"] if e["model"] == "most_popular")
    for metric, stored in entry["metrics"].items():
        if metric in table.columns:
            kept = table.head(20)[metric]
            stored["n_users"] = int(kept.notna().sum())
            stored["mean"] = float(kept.mean())
            stored["ci_low"] = stored["ci_high"] = None
    entry["users_evaluated"] = 20
    results_json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    report = build_report(read_results(folder), refit="none", projection=None)
    section = next(s for s in report.sections if s.id == "segments")
    chart = next(b for b in section.blocks if isinstance(b, Chart))
    counts = _train_counts()
    als = pd.read_csv(folder / "per_user_als.csv", index_col=0)["ndcg@5"]
    rows = counts.reindex(als.index)
    series = {s.name: s for s in chart.series}
    covered = 0
    for position, label in enumerate(series["als"].x):
        low, high = map(int, re.match(r"(\d+)–(\d+) rows", label).groups())
        members = als[(rows >= low) & (rows <= high)]
        covered += len(members)
        assert series["als"].y[position] == pytest.approx(members.mean(), abs=1e-12)
    assert covered == len(als)  # every als user is in a bucket, not only the first 20


def test_ids_written_as_text_in_one_file_match_numbers_in_another(folder):
    path = folder / "per_user_item_knn.csv"
    table = pd.read_csv(path, dtype={"user_id": str})
    table["user_id"] = table["user_id"].astype(str)
    table.to_csv(path, index=False, quoting=1)  # "0","1",... quoted text
    report = build_report(read_results(folder), refit="none", projection=None)
    section = next(s for s in report.sections if s.id == "segments")
    chart = next(b for b in section.blocks if isinstance(b, Chart))
    assert all(np.isfinite(s.y).all() for s in chart.series)


@pytest.mark.parametrize("word", ["NaN", "Infinity", "-Infinity"])
def test_bare_nan_or_infinity_in_results_json_is_refused(results, word):
    path = results / "results.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    payload["models"][0]["fit_seconds"] = 12345.5
    path.write_text(json.dumps(payload, indent=2).replace("12345.5", word),
                    encoding="utf-8")
    with pytest.raises(RecstackError, match=rf"results\.json: {re.escape(word)} is not a "
                                            r"JSON number.*write null there"):
        read_results(results)


def test_null_fit_seconds_is_still_read(results):
    path = results / "results.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    payload["models"][0]["fit_seconds"] = None
    path.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    read_results(results)
