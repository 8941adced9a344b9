"""Forty-ninth bad-input probe, model declarations: a bare name where a table ``{type =
name, ...}`` belongs (``members = ["ease", "als"]``) was refused by the Param check ("must
be dict, got 'ease'") or by ``create_declared`` ("needs a 'type'") with no word on how to
write it, where the re-ranker factories already gave the table to write; one table where
a list of them belongs said only "must be list or tuple"."""

from __future__ import annotations

import re

import pytest

from recstack.errors import ConfigError
from recstack.models import create_model
from recstack.models.base import Param
from recstack.models.registry import create_declared

HINT = re.escape("(a bare name: write the table {type = 'ease'}, in Python "
                 "{'type': 'ease'})")


def test_a_bare_member_name_gives_the_table_to_write():
    with pytest.raises(ConfigError, match=r"^blend: members\[0\] must be dict, got 'ease' "
                                          + HINT):
        create_model("blend", members=["ease", "als"]).validate_params()


def test_a_bare_name_given_to_create_declared_gives_the_table_to_write():
    with pytest.raises(ConfigError, match=r"^blend: members\[1\] needs a 'type' .*got 'ease' "
                                          + HINT):
        create_declared("ease", "blend: members[1]", container="blend", nesting="no")


def test_a_table_without_a_type_gets_no_bare_name_hint():
    with pytest.raises(ConfigError, match=r"needs a 'type'") as caught:
        create_declared({"regularization": 5}, "blend: members[0]", container="blend",
                        nesting="no")
    assert "bare name" not in str(caught.value)


@pytest.mark.parametrize("value", ["ease", {"type": "ease"}])
def test_one_declaration_where_a_list_belongs_gives_the_list_to_write(value):
    with pytest.raises(ConfigError, match=r"^blend: members must be list or tuple, got .*"
                                          + re.escape("(a list of tables: write "
                                                      "[{'type': 'ease'}])")):
        create_model("blend", members=value).validate_params()


def test_the_reranked_model_and_chain_give_the_table_to_write():
    with pytest.raises(ConfigError, match=r"^reranked: model\[0\] .*got 'ease' " + HINT):
        create_model("reranked", model=["ease"]).validate_params()
    with pytest.raises(ConfigError, match=r"^reranked: chain must be list or tuple, got "
                                          r"\{'type': 'mmr'\} \(a list of tables"):
        create_model("reranked", chain={"type": "mmr"}).validate_params()


def test_a_plain_dict_parameter_gets_no_declaration_hint():
    # a dict that is no declaration (e.g. a table of options) says nothing of 'type'
    with pytest.raises(ConfigError, match=r"^m: options must be dict, got 'ease'$"):
        Param(dict).check("m", "options", "ease")


def test_names_joined_by_commas_give_one_table_each():
    with pytest.raises(ConfigError, match=re.escape(
            "got 'ease, als' (a list of tables: write [{'type': 'ease'}, {'type': 'als'}])")):
        create_model("blend", members="ease, als").validate_params()
