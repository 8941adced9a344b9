"""A feature's kind misspelt is named with the nearest kind; a doc that is not text is
refused where the feature is declared, and a saved null doc is no description."""

from __future__ import annotations

import pytest

from recstack.errors import RecstackError
from recstack.pipeline.schema import Feature, FeatureSchema


@pytest.mark.parametrize(("kind", "nearest"), [("numerc", "numeric"), ("Numeric", "numeric"),
                                               ("categorial", "categorical")])
def test_misspelt_kind_names_the_nearest(kind, nearest):
    with pytest.raises(RecstackError, match=f"not '{kind}' \\(did you mean '{nearest}'\\?\\)"):
        Feature("age", kind)


def test_kind_of_another_type_is_refused_without_a_guess():
    with pytest.raises(RecstackError, match=r"kind must be 'numeric' or 'categorical', "
                                            r"not \['numeric'\]$"):
        Feature("age", ["numeric"])


@pytest.mark.parametrize("doc", [3, None, b"age in years", ["age"]])
def test_doc_must_be_text(doc):
    with pytest.raises(RecstackError, match="feature 'age': doc must be a string"):
        Feature("age", "numeric", doc=doc)


def test_doc_of_a_saved_schema_reads_null_as_no_description():
    # a null doc was read as the text 'None' and shown as the feature's description
    schema = FeatureSchema.from_json([{"name": "age", "kind": "numeric", "doc": None}])
    assert schema.features[0].doc == ""
    # a misspelt kind in a saved schema is named with the nearest too
    with pytest.raises(RecstackError, match=r"did you mean 'categorical'\?"):
        FeatureSchema.from_json([{"name": "genre", "kind": "categorcal", "cardinality": 3}])
    # a good schema still round-trips
    schema = FeatureSchema((Feature("age", "numeric", doc="age in years"),
                            Feature("genre", "categorical", cardinality=4)))
    assert FeatureSchema.from_json(schema.to_json()) == schema
