"""Two-hundred-fifty-ninth bad-input probe: a factor model fitted at its default factor
count on data whose scores have a smaller rank (iALS's ``factors = 128`` on a catalog of 40
items) warned "use factors <= 40" to a reader who had written no factors anywhere, and a
tuning search that does not vary ``factors`` warned so at every trial. The default does not
adapt to the data (the model fits, saves and reports the value its settings say, and a fit
past the rank is still valid); the warning now says that the value is the model's default
and the setting to write, where the model is declared."""

from __future__ import annotations

import warnings

import numpy as np

from recstack.data.interactions import Interactions
from recstack.models import create_model
from recstack.models.factors import warn_excess_factors


def _warned(call) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [str(w.message) for w in caught if "is more than both" in str(w.message)]


def _hint(model: str, name: str, default: int, rank: int) -> str:
    return (f" ({default} is {model}'s default: set {name} = {rank} where the model is "
            f"declared, e.g. create_model({model!r}, {name}={rank}) or {name} = {rank} in its "
            f"[[models]] table, which a tuning search keeps in the trials that do not vary "
            f"{name})")


def test_ials_at_its_default_on_forty_items_names_the_setting_to_write():
    # 100 users x 40 items: the scores have rank at most min(100, 40) = 40 < 128
    users = np.repeat(np.arange(100), 6)
    items = (np.arange(600) * 7) % 40
    data = Interactions.from_arrays(users, items)
    model = create_model("ials", iterations=1)
    assert _warned(lambda: model.fit(data)) == [
        "ials: factors=128 is more than both the 100 user(s) and the 40 item(s) of the "
        "training data; the scores have rank at most 40, so the dimensions past 40 only cost "
        "time and memory; use factors <= 40" + _hint("ials", "factors", 128, 40)]
    # the default did not adapt: the model is what its settings say
    assert model.factors == 128
    assert model.item_factors_.shape == (40, 128)


def test_each_factor_models_own_default_and_name_are_told():
    # lightgcn's count is dim (default 64); neural_mf's default is 32, not mf's 50
    assert _warned(lambda: warn_excess_factors("lightgcn", "dim", 64, 30, 20)) == [
        "lightgcn: dim=64 is more than both the 30 user(s) and the 20 item(s) of the "
        "training data; the scores have rank at most 20, so the dimensions past 20 only cost "
        "time and memory; use dim <= 20" + _hint("lightgcn", "dim", 64, 20)]
    assert _warned(lambda: warn_excess_factors("neural_mf", "factors", 32, 10, 20))[0] \
        .endswith("use factors <= 10" + _hint("neural_mf", "factors", 32, 10))
    assert _warned(lambda: warn_excess_factors("bpr", "factors", 128, 5, 9))[0] \
        .endswith("use factors <= 5" + _hint("bpr", "factors", 128, 5))


def test_a_value_the_user_chose_keeps_the_message_it_had():
    for model, factors in [("ials", 200), ("neural_mf", 50), ("als", 65)]:
        assert _warned(lambda m=model, f=factors: warn_excess_factors(m, "factors", f, 10, 20)) \
            == [f"{model}: factors={factors} is more than both the 10 user(s) and the 20 "
                "item(s) of the training data; the scores have rank at most 10, so the "
                "dimensions past 10 only cost time and memory; use factors <= 10"]
    # a model outside the registry (a user's own) has no default to tell of
    assert _warned(lambda: warn_excess_factors("mine", "factors", 128, 10, 20))[0] \
        .endswith("use factors <= 10")
