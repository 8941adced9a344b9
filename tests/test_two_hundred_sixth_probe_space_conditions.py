"""A search space's ``when`` conditions are named as the space's other dimensions are: the
Python call ``search(space=...)`` said ``space['neighbors']: ...`` of a dimension but
``space.neighbors.when: ...`` of its condition (the experiment file's spelling); a file
keeps ``space.neighbors.when``."""

from __future__ import annotations

import pytest

from recstack.config import parse_experiment
from recstack.errors import ConfigError
from recstack.tuning import search

SIMILARITY = {"type": "categorical", "choices": ["cosine", "jaccard"]}


@pytest.mark.parametrize(("when", "problem"), [
    ({"similarity": ["asymmetric"]},
     r"similarity = \"asymmetric\" is not one of its choices \['cosine', 'jaccard'\]"),
    ({"shrink": [1.0]}, r"'shrink' is not a dimension listed before 'neighbors'"),
    ({}, r"expected a table naming earlier categorical dimensions")])
def test_a_condition_of_the_python_call_is_named_as_its_dimension(when, problem):
    space = {"similarity": SIMILARITY,
             "neighbors": {"type": "int", "low": 5, "high": 20, "when": when}}
    with pytest.raises(ConfigError, match=rf"^space\['neighbors'\]\.when: {problem}"):
        search("item_knn", None, None, space, trials=2)


def test_a_file_keeps_its_dotted_spelling():
    raw = {"name": "t", "data": {"source": "synthetic"}, "split": {"method": "random"},
           "models": [{"type": "item_knn"}],
           "tune": {"model": "item_knn", "space": {
               "similarity": SIMILARITY,
               "neighbors": {"type": "int", "low": 5, "high": 20,
                             "when": {"similarity": ["lift"]}}}}}
    with pytest.raises(ConfigError, match=r"^x\.toml: \[tune\] space\.neighbors\.when: "
                                          r'similarity = "lift" is not one of its choices'):
        parse_experiment(raw, source="x.toml")
