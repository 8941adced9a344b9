"""Sixth bad-input probe, misspelt names: the nearest name for a difference of case or of
word separators, in every registry. Each test failed before its fix."""

from __future__ import annotations

import pytest

from recstack.config import parse_experiment
from recstack.errors import ConfigError
from recstack.models.registry import model_class
from recstack.pipeline.rankers.registry import RANKERS


@pytest.mark.parametrize("given, meant", [("ALS", "als"), ("EASE", "ease")])
def test_the_class_registries_suggest_a_name_differing_in_case(given, meant):
    # difflib's ratio found nothing between 'ALS' and 'als': no suggestion at all
    with pytest.raises(ConfigError, match=rf"^unknown model '{given}' \(did you mean "
                                          rf"'{meant}'\?\); available: "):
        model_class(given)


def test_the_rankers_registry_uses_the_same_rule():
    name = RANKERS.names()[0]
    with pytest.raises(ConfigError, match=rf"\(did you mean '{name}'\?\)"):
        RANKERS.get(name.upper())


@pytest.mark.parametrize("given, meant", [("Item-KNN", "item_knn"),
                                          ("TWO-TOWER", "two_tower"),
                                          ("ITEM_KNNN", "item_knn")])
def test_a_model_type_differing_in_case_and_separators_gets_the_nearest_name(given, meant):
    with pytest.raises(ConfigError, match=rf'^x.toml: \[\[models\]\] #1 type: "{given}" is '
                                          rf"not a known model \(did you mean '{meant}'\?\)"):
        parse_experiment({"data": {"source": "synthetic"}, "split": {"method": "random"},
                          "models": [{"type": given}]}, source="x.toml")
