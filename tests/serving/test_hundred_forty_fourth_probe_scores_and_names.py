"""Hundred-forty-fourth probe of the service. Scores past float32's range: the service sends
float32 scores and JSON has no infinity, so an item scored ``+inf`` (a model whose scores
overflowed), or a finite 1e39 that the cast to float32 made ``+inf``, was dropped from the
answer, its best items missing from a list silently shorter than ``k`` ("had no finite
score"), and a score of -1e39 was dropped as an empty slot. Such a score is now sent as
float32's largest finite value, signed, in the place the top-K rule gives it (``+inf``
first). Also: a registered name with a space or line break around it (``create_model("ease
")``) is refused naming the space; and the long-integer marker of a JSON body lives beside
the other JSON rules (``recstack.strict_json``)."""

from __future__ import annotations

import re
import sys
import warnings

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.errors import ConfigError  # noqa: E402
from recstack.serving.service import Candidates, served_scores  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402

#: float32's largest finite value, by its definition: (2 - 2**-23) * 2**127
FLOAT32_MAX = (2 - 2**-23) * 2.0**127


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    registry = publish(tmp_path_factory.mktemp("scores") / "registry", als, train)
    with client(settings(registry)) as test_client:
        yield test_client


@pytest.fixture
def overflowing(http):
    """The served model's fold-in scores, with items 5..8 scored +inf, 1e39, 2e39, -1e39."""
    service = http.app.state.service
    base = service._loaded(service.slots[0]).base
    original = base.score_histories

    def scores(history, **options):
        row = np.asarray(original(history, **options), dtype=np.float64).copy()
        row[:, 5], row[:, 6], row[:, 7], row[:, 8] = np.inf, 1e39, 2e39, -1e39
        return row

    base.score_histories = scores
    try:
        yield service._loaded(service.slots[0])
    finally:
        base.score_histories = original


def test_scores_past_float32_are_sent_at_the_top_in_their_rank_order(http, overflowing):
    ids = overflowing.item_ids
    n = overflowing.n_items
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the top-K rule's InfiniteScoresWarning
        answer = http.post("/recommendations/new-user", json={"items": [str(ids[0])], "k": n})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    listed = [entry["item_id"] for entry in body["items"]]
    # every item but the one posted: none dropped
    assert len(listed) == n - 1
    assert body["shortfall"] == f"{n - 1} items for k={n}: als@1 has {n} items, less the 1 " \
                                "item posted"
    # +inf first, then 2e39, then 1e39 (higher first); -1e39 last of all
    assert listed[:3] == [str(ids[5]), str(ids[7]), str(ids[6])]
    assert listed[-1] == str(ids[8])
    assert [entry["score"] for entry in body["items"][:3]] == [FLOAT32_MAX] * 3
    assert body["items"][-1]["score"] == -FLOAT32_MAX


def test_the_stand_in_rule_as_a_function():
    scores = np.array([np.inf, 2e39, 1.5, -1e39, -np.inf, np.nan])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "overflow encountered in cast"
        sent = served_scores(scores)
    assert sent.dtype == np.float32
    assert sent[:4].tolist() == [FLOAT32_MAX, FLOAT32_MAX, 1.5, -FLOAT32_MAX]
    assert np.isneginf(sent[4]) and np.isnan(sent[5])  # empty slots stay empty
    plain = np.array([0.5, 0.25], np.float32)
    assert served_scores(plain) is plain


def test_a_stage_that_gives_plus_infinity_keeps_its_item():
    from recstack.serving.service import _valid

    candidates = Candidates(np.array([3, 1, 2, -1]), np.array([np.inf, 1.0, np.nan, -np.inf],
                                                              np.float32),
                            np.array(["s"] * 4, dtype=object))
    kept = _valid(candidates)
    assert kept.items.tolist() == [3, 1]
    assert kept.scores.tolist() == [FLOAT32_MAX, 1.0]


@pytest.mark.parametrize(("given", "said"), [
    ("ease ", "unknown model 'ease ' (it ends with a space; did you mean 'ease'?)"),
    (" als", "unknown model ' als' (it starts with a space; did you mean 'als'?)"),
    ("ease\n", "unknown model 'ease\\n' (it ends with a line break; did you mean 'ease'?)"),
    ("\tmf ", "unknown model '\\tmf ' (it starts with a tab and ends with a space; did you "
              "mean 'mf'?)"),
    (" eas", "unknown model ' eas' (it starts with a space; did you mean 'ease'?)"),
    ("", "unknown model '' (the name is empty)"),
    ("   ", "unknown model '   ' (the name holds only spaces, tabs or line breaks)"),
])
def test_a_name_with_blanks_around_it_is_told_so(given, said):
    from recstack.models.registry import create_model

    with pytest.raises(ConfigError) as caught:
        create_model(given)
    assert str(caught.value).startswith(said + "; available: ")


def test_rankers_and_rerankers_share_the_rule():
    from recstack.pipeline.rankers.registry import RANKERS
    from recstack.pipeline.rerank.base import RERANKERS

    for registry in (RANKERS, RERANKERS):
        name = registry.names()[0]
        with pytest.raises(ConfigError, match=rf"\(it ends with a space; did you mean "
                                              rf"'{name}'\?\)"):
            registry.get(name + " ")


def test_the_long_integer_marker_lives_with_the_json_rules(http, item):
    from recstack.serving import app, schemas
    from recstack.serving import settings as settings_module
    from recstack.strict_json import LongInteger, json_integer

    digits = sys.get_int_max_str_digits() + 1
    marker = json_integer("9" * digits)
    assert isinstance(marker, LongInteger) and marker.digits == digits
    assert json_integer("-12") == -12
    # one class, used by the schemas, the app and the settings alike
    assert schemas.LongInteger is app.LongInteger is settings_module.LongInteger is LongInteger
    answer = http.post("/recommendations/new-user", content=(
        f'{{"items": ["{item}"], "k": {"9" * digits}}}').encode(),
        headers={"content-type": "application/json"})
    assert answer.status_code == 422
    assert f"a {digits:,}-digit integer is too long" in answer.json()["message"]
    assert answer.json()["errors"][0]["loc"] == ["body", "k"]


@pytest.mark.parametrize(("reference", "why"), [
    ("als ", "(it ends with a space)"),
    (" als", "(it starts with a space)"),
    ("als\n", "(it ends with a line break)"),
    ("my model", "(character 3 is a space)"),
    ("als/v2", "(character 4 is '/')"),
    (".als", "(it starts with '.')"),
    ("", "(the name is empty)"),
])
def test_a_registry_model_name_says_which_character_breaks_the_rule(tmp_path, reference, why):
    from recstack.serving.registry import ModelRegistry, parse_reference

    rule = ("use 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit "
            + why)
    with pytest.raises(ConfigError) as caught:
        parse_reference(reference)
    assert str(caught.value) == f"model name {reference!r}: {rule}"
    with pytest.raises(ConfigError, match=re.escape(why)):
        ModelRegistry(tmp_path / "registry").load(reference)


@pytest.mark.parametrize(("reference", "why"), [
    ("als@1 ", " (it ends with a space)"),
    ("als@ 1", " (it starts with a space)"),
    ("als@latest", " (the current version is named without '@': 'als')"),
    ("als@1@2", " (a reference holds one '@')"),
    ("als@x", ""),
])
def test_a_version_says_what_keeps_it_from_being_one(reference, why):
    from recstack.serving.registry import MAX_VERSION, parse_reference

    with pytest.raises(ConfigError) as caught:
        parse_reference(reference)
    assert str(caught.value) == (f"{reference!r}: the version after '@' must be a whole "
                                 f"number from 1 to {MAX_VERSION}, e.g. als@3{why}")
