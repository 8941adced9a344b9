"""Hundred-ninety-eighth bad-input probe: ``get_metric`` worded its suggestion as a
sentence of its own ("unknown metric 'ndgc'. Did you mean 'ndcg'? Known metrics: ...")
where every other choice uses the project's one wording, ``(did you mean 'ndcg'?)``
(:func:`recstack.specs.did_you_mean`), and a name holding a look-alike letter of another
script was not told which letter differs."""

from __future__ import annotations

import re

import pytest

from recstack.metrics import MetricInputError, get_metric


@pytest.mark.parametrize(("name", "near"), [("ndgc", "ndcg"), ("NDCG", "ndcg"),
                                             ("recal", "recall")])
def test_a_misspelt_metric_gets_the_one_suggestion_wording(name, near):
    with pytest.raises(MetricInputError, match=rf"^unknown metric '{name}' \(did you mean "
                                               rf"'{near}'\?\); known metrics: precision, "):
        get_metric(name)


def test_a_cut_off_in_the_name_is_said_after_the_suggestion():
    with pytest.raises(MetricInputError, match=re.escape(
            "unknown metric 'NDCG@10' (did you mean 'ndcg'?); the cut-off is an argument "
            "(k), not part of the name; known metrics: ")):
        get_metric("NDCG@10")


def test_a_look_alike_letter_is_named_by_its_code_point():
    with pytest.raises(MetricInputError, match=re.escape(
            "(did you mean 'ndcg'? 'nd\u0441g' holds '\u0441' at position 3, U+0441 "
            "CYRILLIC SMALL LETTER ES: retype it in ASCII)")):
        get_metric("nd\u0441g")


def test_a_name_near_nothing_gets_no_suggestion():
    with pytest.raises(MetricInputError) as caught:
        get_metric("zzzzzz")
    assert str(caught.value).startswith("unknown metric 'zzzzzz'; known metrics: precision")
    assert "did you mean" not in str(caught.value).lower()
