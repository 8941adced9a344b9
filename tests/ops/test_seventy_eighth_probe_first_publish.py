"""Seventy-eighth probe, pipeline runs: on the first publish the gate has nothing to compare
with, so an ``[evaluation] min_users`` that the evaluation window cannot meet was applied
(and explained) only from the second run, which then held every model back; the first run
now says so in the gate's reason (evaluation.json, publish.json, the report) and on stderr."""

from __future__ import annotations

import json

import pytest

from recstack.cli import main
from recstack.ops.pipeline import run_pipeline
from tests.ops.scenario import month_frame, only_run, write_pipeline


def test_an_unreachable_min_users_is_said_on_the_first_publish(folder, capsys):
    path = write_pipeline(folder)
    path.write_text(path.read_text().replace("margin = 0.01",
                                             "margin = 0.01\nmin_users = 100000"))
    with pytest.warns(UserWarning, match="min_users = 100000") as caught:
        assert main(["pipeline", "run", str(path), "--quiet"]) == 0
    # still published: the first model is compared with nothing
    assert capsys.readouterr().out.strip() == "result: published as shop@1"
    users = month_frame(folder, "2019-04")["user_id"].nunique()  # every row is relevant
    expected = (f"the evaluation window 2019-04 has only {users:,} user(s) with a relevant "
                "row, fewer than [evaluation] min_users = 100000: on such a window the next "
                "run's gate cannot compare any model with this one and will not publish; "
                f"lower it to at most {users:,}")
    assert str(caught[0].message) == f"{path}: {expected}"
    run = only_run(folder)
    evaluation = json.loads((run / "evaluate" / "evaluation.json").read_text())
    assert evaluation["publish"] is True
    assert evaluation["reason"] == ("no model is published yet: publishing the first; but "
                                    + expected)
    publish = json.loads((run / "publish" / "publish.json").read_text())
    assert publish["reason"] == evaluation["reason"]


def test_a_reachable_min_users_adds_nothing_to_the_first_publish(folder, recwarn):
    path = write_pipeline(folder)
    report = run_pipeline(path).report
    assert report["evaluation"]["reason"] == "no model is published yet: publishing the first"
    assert not [w for w in recwarn if "min_users" in str(w.message)]
