"""Twenty-first bad-input probe, what the vectors stand for: ``kind`` of the embedding
analyses and maps was written into their titles and readings as it was given, so
``kind=5`` read "20 5 vectors of dimension 4", ``kind="items"`` "the items embeddings",
and any kind but "item" was read as users ("activity"); a ``model`` label that was no text
titled the charts with its repr. Both are now refused naming the function and the
argument, with the kinds there are."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.analysis import embedding_health, pca_analysis, project
from recstack.errors import RecstackError

VECTORS = np.random.default_rng(0).normal(size=(20, 4))


@pytest.mark.parametrize("call, function", [(pca_analysis, "pca_analysis"),
                                            (embedding_health, "embedding_health"),
                                            (project, "project")])
@pytest.mark.parametrize("kind, shown", [(5, "5"), ("", "''"), (None, "None")])
def test_a_kind_that_is_no_kind_is_refused_by_name(call, function, kind, shown):
    with pytest.raises(RecstackError) as refused:
        call(VECTORS, kind=kind)
    assert str(refused.value) == (f"{function}: kind must be one of 'item', 'user' (what the "
                                  f"vectors stand for), got {shown}")


@pytest.mark.parametrize("kind, near", [("items", "item"), ("User", "user")])
def test_a_misspelt_kind_names_the_near_one(kind, near):
    with pytest.raises(RecstackError, match=rf"^pca_analysis: kind must be one of 'item', "
                                            rf"'user' .*got '{kind}' \(did you mean "
                                            rf"'{near}'\?\)$"):
        pca_analysis(VECTORS, kind=kind)


def test_a_model_label_that_is_no_text_is_refused():
    with pytest.raises(RecstackError, match=r"^embedding_health: model must be the model's "
                                            r"label as text .*got int 3$"):
        embedding_health(VECTORS, model=3)


def test_the_two_kinds_still_read_in_their_own_words():
    assert pca_analysis(VECTORS, kind="item", model="als").reading().startswith(
        "20 item vectors of dimension 4")
    assert pca_analysis(VECTORS, kind="user").reading().startswith("20 user vectors")
    assert embedding_health(VECTORS, kind="user").kind == "user"
