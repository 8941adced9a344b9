"""An EvaluationResult's methods and comparison_table given arguments their signatures do
not take (a missing metric, a flag by position, a misspelt keyword) raised Python's
TypeError, which named neither the method's arguments nor the near keyword; they are now
a ConfigError naming the method and what it takes, as EvaluationResult(...) and the
Evaluator's methods already were."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.evaluation.evaluator import Evaluator
from recstack.evaluation.results import comparison_table
from recstack.models.baselines import MostPopular


@pytest.fixture(scope="module")
def result(split):
    model = MostPopular().fit(split.train)
    return Evaluator(metrics=["ndcg"], ks=[5]).evaluate(model, split.train, split.test)


def test_compare_without_its_metric_names_it(result):
    with pytest.raises(ConfigError) as refused:
        result.compare(result)
    assert str(refused.value) == ("EvaluationResult.compare(): missing 'metric'; it takes "
                                  "EvaluationResult.compare(other, metric, *, unshared=...)")


def test_a_misspelt_keyword_is_named_with_the_near_one(result, tmp_path):
    with pytest.raises(ConfigError, match=r"compare\(\) has no argument 'metrc' \(did you "
                                          r"mean 'metric'\?\)"):
        result.compare(result, metrc="ndcg@5")
    with pytest.raises(ConfigError, match=r"to_json\(\) has no argument 'overwite' \(did "
                                          r"you mean 'overwrite'\?\)"):
        result.to_json(tmp_path / "r.json", overwite=True)
    assert not (tmp_path / "r.json").exists()


def test_a_flag_by_position_is_refused_before_anything_is_written(result, tmp_path):
    with pytest.raises(ConfigError, match=r"to_csv\(\) takes at most 1 positional "
                                          r"argument\(s\) \(path\), got 2; give per_user, "
                                          r"overwrite by keyword"):
        result.to_csv(tmp_path / "r.csv", True)
    assert not (tmp_path / "r.csv").exists()


def test_comparison_table_without_or_with_too_many_arguments(result):
    with pytest.raises(ConfigError, match=r"comparison_table\(\): missing 'results'"):
        comparison_table()
    with pytest.raises(ConfigError, match=r"takes at most 1 positional argument"):
        comparison_table([result], [result])


def test_calls_that_fit_still_work(result, tmp_path):
    assert result.compare(result, "ndcg@5").n_users == result.compare(other=result,
                                                                      metric="ndcg@5").n_users
    assert comparison_table([result]).shape == (1, 1)
    result.to_csv(tmp_path / "r.csv", per_user=True)
    assert (tmp_path / "r.csv").read_text().startswith("user_id,ndcg@5")
    assert set(result.means()) == {"ndcg@5"}
