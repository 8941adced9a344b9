"""An interval in results.json that is not the one of the per-user file is said, naming the
file, the metric and both intervals, on the console and in the report's notes: the report
draws every interval from the per-user values, and replaced an edited (or older) one
without a word."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
import scipy.stats

from recstack.analysis.report import write_report
from recstack.analysis.results_folder import read_results


def _stored(results: Path) -> dict:
    return json.loads((results / "results.json").read_text())


def test_the_stored_interval_is_the_t_interval_of_the_per_user_values(results: Path) -> None:
    # the premise, computed apart from recstack: the evaluator stores the Student t
    # interval of the per-user values (within [0, 1] for ndcg), and reading it says nothing
    entry = _stored(results)["models"][0]
    values = pd.read_csv(results / f"per_user_{entry['model']}.csv")["ndcg@5"].dropna()
    low, high = scipy.stats.t.interval(0.95, len(values) - 1, loc=values.mean(),
                                       scale=scipy.stats.sem(values))
    stored = entry["metrics"]["ndcg@5"]
    assert stored["ci_low"] == pytest.approx(max(low, 0.0), rel=1e-9)
    assert stored["ci_high"] == pytest.approx(min(high, 1.0), rel=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_results(results).interval_notes == []


@pytest.mark.parametrize("end", ["ci_low", "ci_high"])
def test_an_edited_interval_is_said_with_both_values(results: Path, end: str) -> None:
    payload = _stored(results)
    stored = payload["models"][0]["metrics"]["ndcg@5"]
    before = (stored["ci_low"], stored["ci_high"])
    stored[end] = stored["mean"] + (-0.001 if end == "ci_low" else 0.001)
    (results / "results.json").write_text(json.dumps(payload))
    with pytest.warns(UserWarning) as caught:
        folder = read_results(results)
    label = payload["models"][0]["model"]
    message = str(caught[0].message)
    assert message.startswith(f"{results / f'per_user_{label}.csv'}: ")
    assert f"{label}'s ndcg@5" in message
    shown = [tuple(map(float, pair))
             for pair in re.findall(r"\[([-0-9.e]+), ([-0-9.e]+)\]", message)]
    assert shown[:2] == [pytest.approx(before, rel=1e-5),
                         pytest.approx((stored["ci_low"], stored["ci_high"]), rel=1e-5)]
    assert folder.interval_notes == [message]


def test_an_interval_cleared_to_null_is_said(results: Path) -> None:
    payload = _stored(results)
    stored = payload["models"][0]["metrics"]["precision@5"]
    stored["ci_low"] = stored["ci_high"] = None
    (results / "results.json").write_text(json.dumps(payload))
    with pytest.warns(UserWarning, match=r"precision@5 .* says \[none, none\]"):
        read_results(results)


def test_the_page_says_which_interval_it_shows(results: Path) -> None:
    payload = _stored(results)
    payload["models"][0]["metrics"]["ndcg@5"]["ci_high"] = 0.99
    (results / "results.json").write_text(json.dumps(payload))
    with pytest.warns(UserWarning, match="ndcg@5"):
        page = write_report(results, results / "r.html", refit="none", projection=None,
                            interactive=False)
    notes = page.read_text(encoding="utf-8").split('id="notes"')[1].split("</div>")[0]
    assert "ndcg@5" in notes and "0.99" in notes and "the report shows" in notes


def test_an_entry_without_stored_intervals_is_read_silently(results: Path) -> None:
    payload = _stored(results)
    for stored in payload["models"][0]["metrics"].values():
        stored.pop("ci_low", None)
        stored.pop("ci_high", None)
    (results / "results.json").write_text(json.dumps(payload))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(read_results(results).results) == 1
