"""Fifth bad-input probe: a misspelt item-table column in a re-ranker or in the feature
builder's columns, or a misspelt feature option, now comes with a did-you-mean."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.features import FeatureBuilder
from recstack.pipeline.rerank import MMR, ColumnBoost, ItemPredicate

TABLE = pd.DataFrame({"item_id": [1, 2, 3], "genres": ["A|B", "B", "C"],
                      "price": [1.0, 2.0, 3.0]})
DATA = Interactions.from_arrays(["a", "a", "b"], [1, 2, 3], timestamps=[1, 2, 3],
                                item_table=TABLE)


@pytest.mark.parametrize("step, wrong, right", [
    (MMR(column="genre"), "genre", "genres"),
    (ColumnBoost(column="Price"), "Price", "price"),
    (ItemPredicate(column="prise", op=">", value=1), "prise", "price"),
])
def test_rerankers_suggest_the_column_meant(step, wrong, right):
    with pytest.raises(RecstackError, match=f"no column '{wrong}' \\(did you mean "
                       f"'{right}'\\?\\); its columns are: 'item_id', 'genres', 'price'"):
        step.fit(DATA)


def test_the_feature_builder_suggests_the_column_and_option_meant():
    with pytest.raises(ConfigError, match="item_columns names \\['genre'\\], which the item "
                       "table does not have \\(did you mean 'genres'\\?\\)"):
        FeatureBuilder(item_columns=["genre"]).fit(DATA, ["ease"], 5)
    with pytest.raises(ConfigError, match="unknown feature option\\(s\\) \\['half_life'\\] "
                       "\\(did you mean 'half_life_days'\\?\\)"):
        FeatureBuilder.from_options({"half_life": 3}, "exp.toml")
