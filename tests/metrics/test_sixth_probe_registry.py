"""Sixth bad-input probe, the metric registry: ``get_metric`` used its own difflib match,
so a name differing only in case ('NDCG', 'MRR') or written with its cut-off
('NDCG@10') came with no suggestion, and a misspelt kind in ``metric_names`` got none at
all; both now follow the nearest-name rule of every other name check."""

from __future__ import annotations

import pytest

from recstack.metrics import MetricInputError, get_metric, metric_names


@pytest.mark.parametrize(("name", "near"), [("NDCG", "ndcg"), ("MRR", "mrr"),
                                             ("MAP", "map")])
def test_a_name_differing_in_case_or_separators_gets_the_metric(name, near):
    with pytest.raises(MetricInputError, match=rf"unknown metric '{name}' \(did you mean "
                                               rf"'{near}'\?\); known metrics: "):
        get_metric(name)


@pytest.mark.parametrize("name", ["NDCG@10", "recall@20"])
def test_a_name_with_its_cut_off_says_the_cut_off_is_an_argument(name):
    base = name.split("@")[0].lower()
    with pytest.raises(MetricInputError, match=rf"\(did you mean '{base}'\?\); the cut-off is an "
                                               r"argument \(k\), not part of the name; "):
        get_metric(name)


@pytest.mark.parametrize(("kind", "near"), [("Ranking", "ranking"), ("rank", "ranking")])
def test_a_misspelt_kind_gets_the_nearest_kind(kind, near):
    with pytest.raises(MetricInputError, match=rf"unknown metric kind '{kind}' \(did you mean "
                                               rf"'{near}'\?\); kinds: "):
        metric_names(kind)
