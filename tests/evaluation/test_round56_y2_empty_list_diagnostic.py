"""Round 56, Y2: a model whose lists came back empty for most users was evaluated with
every metric 0 and only a run-time warning said why; results.json's diagnostics (the
report's Diagnostics section) said nothing. The evaluator now counts the users whose lists
were empty or shorter than K in ``meta["list_lengths"]`` and ``diagnose`` names them, with
the users to whom fewer than K items were left said apart, as the data's doing."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.config import parse_experiment
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.diagnostics import diagnose
from recstack.evaluation.evaluator import Evaluator
from recstack.experiment import run_experiment
from recstack.models import create_model
from recstack.models.baselines import MostPopular

LEFT_UNBLOCKED = (0, 1)


def ten_users_ten_items() -> tuple[Interactions, Interactions]:
    """Train and test of one vocabulary. Users 0..6 trained on items 0 and 1, the only
    ones the block list below leaves: nothing is left to recommend them, although 8
    unseen items are. Users 7..9 trained on 7 of items 2..9: items 0, 1 and one more are
    left, so a list of 3 is possible, and the block list leaves them 2."""
    users, items, is_test = [], [], []
    for user in range(7):
        for item in LEFT_UNBLOCKED:
            users.append(user), items.append(item), is_test.append(False)
        users.append(user), items.append(3 + user), is_test.append(True)
    for user, test_item in ((7, 9), (8, 8), (9, 7)):
        for item in range(2, 10):
            users.append(user), items.append(item), is_test.append(item == test_item)
    data = Interactions.from_arrays(np.array(users), np.array(items))
    is_test_row = np.array(is_test)
    return data.select(~is_test_row), data.select(is_test_row)


def blocking_model(train: Interactions):
    chain = ({"type": "block_list", "items": list(range(2, 10))},)
    return create_model("reranked", model={"type": "most_popular"}, n_candidates=10,
                        chain=chain).fit(train)


def evaluated(model, train, test, ks=(3,)):
    with warnings.catch_warnings():
        # the run-time warnings (ConstantScoresWarning, CutoffBeyondCatalogWarning) are
        # not what is tested: the result's record of them is
        warnings.simplefilter("ignore")
        return Evaluator(metrics=["ndcg", "recall"], ks=list(ks)).evaluate(model, train,
                                                                           test)


def test_evaluate_counts_the_users_whose_lists_were_empty_or_short():
    train, test = ten_users_ten_items()
    result = evaluated(blocking_model(train), train, test)
    assert result.meta["list_lengths"] == {"k": 3, "empty": 7, "short": 3,
                                           "fewer_left": 0, "nothing_left": 0}
    assert [str(d) for d in diagnose(result)] == [
        "[empty lists] reranked's top-3 lists were empty for 7 of the 10 users (70%) and "
        "shorter than K=3 for 3 (30%), although more items were left to recommend them: "
        "the model gave those items -inf (a re-ranker's block list or filter that removes "
        "them, a model not fitted), so a missing item counts as a miss and an empty list "
        "scores 0 on every metric; check the model's filters and that score_users returns "
        "its scores"]


def test_a_block_list_that_empties_most_lists_is_in_results_json(tmp_path):
    # 20 users: 0..15 trained on i0, i1, i2 (the only items the block list leaves), 16..19
    # on i3, i4, i5; each also on i1<u mod 10>, and tested on its last row,
    # i1<(u + 1) mod 10>, which another user trained on
    rows = []
    for user in range(20):
        seen = ["i0", "i1", "i2"] if user < 16 else ["i3", "i4", "i5"]
        for time, item in enumerate([*seen, f"i1{user % 10}", f"i1{(user + 1) % 10}"]):
            rows.append((f"u{user}", item, 1.0, time))
    log = tmp_path / "log.csv"
    pd.DataFrame(rows, columns=["user_id", "item_id", "rating", "timestamp"]).to_csv(
        log, index=False)
    blocked = ["i3", "i4", "i5", *(f"i1{n}" for n in range(10))]
    experiment = parse_experiment({
        "name": "x", "data": {"source": str(log)}, "split": {"method": "leave_last_out"},
        "evaluation": {"metrics": ["ndcg", "recall"], "ks": [5]},
        "models": [{"type": "reranked", "model": {"type": "most_popular"},
                    "n_candidates": 16, "chain": [{"type": "block_list", "items": blocked}]},
                   {"type": "item_knn"}]}, source="x.toml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outcome = run_experiment(experiment, out=tmp_path / "out")
    reranked = next(r for r in outcome.results if r.model == "reranked")
    # users 16..19 get the 3 items left, i0, i1, i2: fewer than 5 of 16 - 5 unseen ones
    assert reranked.meta["list_lengths"] == {"k": 5, "empty": 16, "short": 4,
                                             "fewer_left": 0, "nothing_left": 0}
    stored = json.loads((tmp_path / "out" / "results.json").read_text())["diagnostics"]
    assert stored["item_knn"] == []
    (said,) = stored["reranked"]
    assert said.startswith("[empty lists] reranked's top-5 lists were empty for 16 of the "
                           "20 users (80%) and shorter than K=5 for 4 (20%), although more "
                           "items were left to recommend them")


def test_a_healthy_model_on_ordinary_data_gets_no_such_diagnostic():
    experiment = parse_experiment({
        "name": "x", "data": {"source": "synthetic:n_users=300,n_items=200,"
                                        "n_interactions=6000,seed=3"},
        "split": {"method": "random"},
        "evaluation": {"metrics": ["ndcg", "recall"], "ks": [10, 20]},
        "models": [{"type": "item_knn"}, {"type": "ease"}]}, source="x.toml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outcome = run_experiment(experiment)
    for result in outcome.results:
        assert result.meta["list_lengths"] == {"k": 20, "empty": 0, "short": 0,
                                               "fewer_left": 0, "nothing_left": 0}
        kinds = {d.kind for d in outcome.diagnostics[result.model]}
        assert not kinds & {"empty lists", "short lists"}


def test_a_catalog_smaller_than_k_is_said_as_the_datas_doing():
    train, test = ten_users_ten_items()
    result = evaluated(MostPopular().fit(train), train, test, ks=(12,))
    # every user trained on at least 2 of the 10 items: at most 8 are left, fewer than 12
    assert result.meta["list_lengths"] == {"k": 12, "empty": 0, "short": 0,
                                           "fewer_left": 10, "nothing_left": 0}
    assert [str(d) for d in diagnose(result)] == [
        "[short lists] 10 of the 10 users (100%) had fewer than K=12 items left to "
        "recommend, so their lists are short whatever most_popular scores (the data's "
        "doing, not the model's): the catalog holds only 10 items, fewer than K=12, so "
        "every list is shorter than K; evaluate at K <= 10"]


def test_users_who_trained_on_every_item_are_not_blamed_on_the_model():
    # users 0..3 trained on all 4 items; user 4 on item 0 only, tested on item 1
    users = np.array([0] * 4 + [1] * 4 + [2] * 4 + [3] * 4 + [4, 4, 3])
    items = np.array([0, 1, 2, 3] * 4 + [0, 1, 1])
    is_test = np.zeros(len(users), bool)
    is_test[[-2, -1]] = True  # user 3's repeat of item 1 is relevant, but seen
    data = Interactions.from_arrays(users, items)
    train, test = data.select(~is_test), data.select(is_test)
    result = evaluated(MostPopular().fit(train), train, test, ks=(2,))
    # users 3 and 4 are evaluated: user 3 has nothing left, user 4 three items
    assert result.meta["list_lengths"] == {"k": 2, "empty": 0, "short": 0,
                                           "fewer_left": 1, "nothing_left": 1}
    (finding,) = diagnose(result)
    assert finding.kind == "short lists"
    assert finding.message == (
        "1 of the 2 users (50%) had fewer than K=2 items left to recommend, so their lists "
        "are short whatever most_popular scores (the data's doing, not the model's): they "
        "trained on all but fewer than 2 items of the catalog (1 of them on every item: "
        "their lists are empty); a split that leaves users more unseen items, or a smaller "
        "K, measures the model on full lists")


def test_a_few_users_under_the_bound_are_no_finding():
    train, test = ten_users_ten_items()
    result = evaluated(blocking_model(train), train, test)
    # 7 + 3 of 10 users is 100%: a bound above it finds nothing, one at it finds them
    assert diagnose(result, short_lists=1.0) != []
    result.meta["list_lengths"] = {"k": 3, "empty": 0, "short": 0, "fewer_left": 0,
                                   "nothing_left": 0}
    assert diagnose(result) == []
    result.meta["list_lengths"]["empty"] = 1  # 1 of 10 users: 10%, at the default bound
    assert [d.kind for d in diagnose(result)] == ["empty lists"]
    assert diagnose(result, short_lists=0.11) == []


@pytest.mark.parametrize(("entry", "said"), [
    ({"k": 3, "empty": 2}, "meta['list_lengths'] is {'k': 3, 'empty': 2}, but the evaluator "
                           "stores"),
    ({"k": 3, "empty": 11, "short": 0, "fewer_left": 0, "nothing_left": 0},
     "meta['list_lengths']['empty'] is 11, but it is a number of users from 0 to "
     "meta['n_users'] (10)"),
    ({"k": 0, "empty": 1, "short": 0, "fewer_left": 0, "nothing_left": 0},
     "meta['list_lengths']['k'] is 0, but it is the length of the lists counted"),
    ({"k": 3, "empty": "7", "short": 0, "fewer_left": 0, "nothing_left": 0},
     "meta['list_lengths']['empty'] is '7'"),
])
def test_an_edited_entry_is_refused_naming_the_field(entry, said):
    train, test = ten_users_ten_items()
    result = evaluated(blocking_model(train), train, test)
    result.meta["list_lengths"] = entry
    with pytest.raises(RecstackError) as error:
        diagnose(result)
    assert f"diagnose: reranked's {said}" in str(error.value)


def test_a_percentage_for_the_bound_is_refused():
    train, test = ten_users_ten_items()
    result = evaluated(blocking_model(train), train, test)
    with pytest.raises(ConfigError, match="short_lists is the share of users whose lists "
                                          "were empty or short from which it is a finding, "
                                          "a share from 0 to 1, got 10; write a percentage "
                                          "as a share, e.g. 0.1 for 10%"):
        diagnose(result, short_lists=10)


def test_a_healthy_model_in_folds_gets_no_such_diagnostic():
    experiment = parse_experiment({
        "name": "x", "data": {"source": "synthetic:n_users=200,n_items=150,"
                                        "n_interactions=4000,seed=5"},
        "split": {"method": "kfold", "k": 3},
        "evaluation": {"metrics": ["ndcg"], "ks": [10]},
        "models": [{"type": "item_knn"}]}, source="x.toml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outcome = run_experiment(experiment)
    (result,) = outcome.results
    # every fold counted 0 of each, so the combined result keeps the entry
    assert result.meta["list_lengths"] == {"k": 10, "empty": 0, "short": 0,
                                           "fewer_left": 0, "nothing_left": 0}
    assert outcome.diagnostics["item_knn"] == []


def test_counts_without_the_users_number_are_no_finding_and_no_error():
    # folds that evaluated different numbers of users keep their equal counts but not
    # n_users: the counts are of one fold, not shares of the combined result's users
    train, test = ten_users_ten_items()
    result = evaluated(blocking_model(train), train, test)
    del result.meta["n_users"]
    assert diagnose(result) == []


def test_a_model_emptying_lists_in_folds_is_said_fold_by_fold():
    # folds count different users, so the combined result keeps no counts: each fold's
    # finding is said with its fold, as the per-user check of nDCG is
    experiment = parse_experiment({
        "name": "x", "data": {"source": "synthetic:n_users=120,n_items=60,"
                                        "n_interactions=2400,seed=5"},
        "split": {"method": "kfold", "k": 3},
        "evaluation": {"metrics": ["ndcg"], "ks": [10]},
        "models": [{"type": "reranked", "model": {"type": "most_popular"}, "n_candidates": 20,
                    "chain": [{"type": "block_list", "items": list(range(56))}]}]},
        source="x.toml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outcome = run_experiment(experiment)
    said = outcome.diagnostics["reranked"]
    assert [d.kind for d in said] == ["empty lists"] * 3, said
    assert [d.message.split(":")[0] for d in said] == [f"fold {n} of 3" for n in (1, 2, 3)]
