"""Hundred-ninety-fourth probe: a results folder whose model was evaluated on no user (its
per-user file holds the header only, its means are null over 0 users) made the report's
segments say that "none of the evaluated users has a training row in the data loaded for
the report (the data changed since `recstack evaluate`?)", blaming the data. It now says
that no user was evaluated; the comparison shows the empty means as "–"."""

from __future__ import annotations

import html
import json
import re

from recstack.analysis import write_report


def test_a_model_evaluated_on_no_user(results):
    path = results / "results.json"
    payload = json.loads(path.read_text())
    for summary in payload["models"][0]["metrics"].values():
        summary.update(mean=None, ci_low=None, ci_high=None, n_users=0)
    path.write_text(json.dumps(payload))
    per_user = results / "per_user_most_popular.csv"
    per_user.write_text(per_user.read_text().splitlines()[0] + "\n")

    page = html.unescape(write_report(results, refit="none").read_text())
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert ("ndcg@5 by user activity: not available, as no user was evaluated (every "
            "model's per-user file holds no row: the test set held no user the evaluation "
            "could score).") in text
    assert "the data changed since" not in text
    assert "precision@5 – ndcg@5 – coverage@5 0.5000 users evaluated 0" in text
