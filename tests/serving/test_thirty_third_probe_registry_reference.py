"""Thirty-third bad-input probe: a registry reference whose version has leading zeros
(``als@01``) was read as version 1 from Python, where the command line refused it."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.serving.registry import parse_reference


@pytest.mark.parametrize("reference", ["als@01", "als@0003"])
def test_a_version_with_leading_zeros_is_refused_with_its_plain_spelling(reference):
    plain = reference.split("@")[0] + "@" + reference.split("@")[1].lstrip("0")
    with pytest.raises(ConfigError) as raised:
        parse_reference(reference)
    assert str(raised.value).startswith(f"{reference}: the version after '@' is written "
                                        f"with leading zeros; write {plain} ")


@pytest.mark.parametrize(("reference", "parsed"), [("als", ("als", None)),
                                                   ("als@1", ("als", 1)),
                                                   ("als@10", ("als", 10))])
def test_plain_references_still_parse(reference, parsed):
    assert parse_reference(reference) == parsed


def test_version_zero_keeps_its_own_message_however_written():
    with pytest.raises(ConfigError, match=r"must be a whole number from 1 to"):
        parse_reference("als@00")
