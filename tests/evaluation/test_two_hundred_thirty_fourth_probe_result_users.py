"""Two hundred thirty-fourth probe, results over users: ``to_csv(per_user=True)`` wrote
the values the summary refuses (an infinite value, a word, true/false, a user listed
twice) as they were, to a file read_results then refused; and ``diagnose`` compared a
result with a baseline evaluated on other users, each mean over its own users, and found
the model "level" or "behind" in numbers that do not compare."""

import numpy as np
import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.evaluation.diagnostics import diagnose
from recstack.evaluation.results import EvaluationResult


def _result(name, values, users):
    return EvaluationResult(name, pd.DataFrame(values, index=users))


@pytest.mark.parametrize(("values", "message"), [
    ([0.5, np.inf], r"per-user 'ndcg@10' of user 8 is inf; expected a finite number"),
    ([0.5, "x"], r"per-user 'ndcg@10' of user 8 is 'x'; expected a finite number"),
    ([True, False], r"per-user 'ndcg@10' holds true/false values"),
])
def test_per_user_csv_refuses_what_the_summary_refuses(tmp_path, values, message):
    result = _result("m", {"ndcg@10": values}, [7, 8])
    with pytest.raises(RecstackError, match=message):
        result.to_csv(tmp_path / "users.csv", per_user=True)
    assert not (tmp_path / "users.csv").exists()


def test_per_user_csv_refuses_a_user_listed_twice(tmp_path):
    result = _result("m", {"ndcg@10": [0.1, 0.2]}, [7, 7])
    with pytest.raises(RecstackError, match=r"user 7 has two rows of per-user values"):
        result.to_csv(tmp_path / "users.csv", per_user=True)
    assert not (tmp_path / "users.csv").exists()


def test_per_user_csv_still_writes_undefined_values_as_empty(tmp_path):
    result = _result("m", {"ndcg@10": [0.5, np.nan]}, pd.Index([7, 8], name="user"))
    result.to_csv(tmp_path / "users.csv", per_user=True)
    assert (tmp_path / "users.csv").read_text().splitlines() == ["user,ndcg@10", "7,0.5", "8,"]


def _ordering(name, ndcg, users):
    # recall and hit rate level, nDCG and MAP per user as given
    n = len(users)
    return _result(name, {"recall@10": [0.5] * n, "hit_rate@10": [1.0] * n,
                          "ndcg@10": ndcg, "map@10": ndcg}, users)


def test_diagnose_refuses_a_baseline_of_other_users():
    model = _ordering("model", [0.1, 0.1, 0.1, 0.1, 0.1], [1, 2, 3, 4, 5])
    baseline = _ordering("pop", [0.2, 0.2, 0.2], [1, 2, 3])
    with pytest.raises(RecstackError) as caught:
        diagnose(model, baseline)
    assert str(caught.value) == (
        "diagnose: model was evaluated on 5 users and the baseline pop on 3, 3 of them "
        "shared (2 users of model's (e.g. 4, 5) are not among pop's), so their means are "
        "over different users and do not compare; evaluate both on one split's test users "
        "(one Evaluator)")


def test_diagnose_names_the_users_missing_on_each_side():
    model = _ordering("model", [0.1, 0.1, 0.1], ["u1", "u2", "u3"])
    baseline = _ordering("pop", [0.2, 0.2, 0.2], ["u1", "u2", "u9"])
    with pytest.raises(RecstackError, match=(
            r"on 3 users and the baseline pop on 3, 2 of them shared \(1 user of model's "
            r"\(e\.g\. 'u3'\) is not among pop's; 1 user of pop's \(e\.g\. 'u9'\) is not "
            r"among model's\)")):
        diagnose(model, baseline)


def test_diagnose_of_the_same_users_in_another_order_still_finds_the_problem():
    model = _ordering("model", [0.1, 0.1, 0.1], [3, 1, 2])
    baseline = _ordering("pop", [0.2, 0.2, 0.2], [1, 2, 3])
    # nDCG and MAP half the baseline's (0.1 against 0.2), recall and hit rate level
    assert [d.kind for d in diagnose(model, baseline)] == ["ordering"]
