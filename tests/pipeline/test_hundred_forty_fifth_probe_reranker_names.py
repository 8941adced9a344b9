"""Hundred-forty-fifth probe: a bare name where a re-ranker's table belongs was pointed to
the table to write even when the name was misspelt: ``create_reranker("mmrr")`` advised
``{type = 'mmrr'}``, a table refused in turn as an unknown re-ranker. A bare name that
names no re-ranker is now refused as unknown, with the closest name; a known one keeps the
table to write."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.models import create_model
from recstack.pipeline.rerank import create_reranker


@pytest.mark.parametrize(("name", "says"), [
    ("mmrr", r"unknown re-ranker 'mmrr' \(did you mean 'mmr'\?\)"),
    ("MMR", r"unknown re-ranker 'MMR' \(did you mean 'mmr'\?\)"),
    ("", r"unknown re-ranker '' \(the name is empty\)"),
])
def test_a_misspelt_bare_name_is_named_unknown(name, says):
    with pytest.raises(ConfigError, match=rf"^chain needs a 'type' naming a re-ranker, .*got "
                                          rf"{name!r} \({says}") as caught:
        create_reranker(name)
    assert "write the table" not in str(caught.value)


def test_a_misspelt_name_in_a_chain_is_named_unknown():
    with pytest.raises(ConfigError, match=r"chain\[0\] must be a table with a 'type', got "
                                          r"'mmrr' \(unknown re-ranker 'mmrr' \(did you mean "
                                          r"'mmr'\?\)") as caught:
        create_model("reranked", chain=["mmrr"]).validate_params()
    assert "write the table" not in str(caught.value)


def test_a_known_bare_name_still_gets_the_table_to_write():
    with pytest.raises(ConfigError, match=r"got 'mmr' \(a bare name: write the table "
                                          r"\{type = 'mmr'\}, in Python \{'type': 'mmr'\}\)"):
        create_reranker("mmr")
