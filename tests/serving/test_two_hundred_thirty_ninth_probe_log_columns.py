"""`check_skew` on request logs whose columns hold values of another kind than the
service writes (a log converted or edited by another tool).

Each was a traceback (``k`` infinite or text), misread (scores as text read as their
numbers, ``k`` True as 1) or, worse, skipped so that the check passed having recomputed
nothing: user ids as numbers ("user not in the model"), ``fallback`` False ("popularity
fallback"), a misspelt endpoint ("usr not recomputed"); posted items as numbers were
dropped and the request reported as a score mismatch, served items as numbers were "a
missing item id". Now each is refused naming the file, row, request, column and value.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.errors import RecstackError  # noqa: E402
from recstack.serving.skew import check_skew  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.fixture(scope="module")
def served(tmp_path_factory, als, train):
    """A registry and the request log of four users' requests, built once."""
    root = tmp_path_factory.mktemp("served")
    registry = publish(root / "registry", als, train)
    logs = root / "logs"
    with client(settings(registry, log_dir=str(logs))) as http:
        for user in als.users_.external_ids[:4]:
            assert http.get(f"/users/{user}/recommendations", params={"k": 5}).status_code \
                == 200
    return registry, logs


def _everywhere(column, value):
    return lambda table: table.assign(**{column: [value] * len(table)})


CASES = {
    "k infinite": (lambda t: t.assign(k=[np.inf] + [5.0] * (len(t) - 1)),
                   "'k' is inf; expected a whole number >= 1"),
    "k text": (lambda t: t.assign(k=["x"] + ["5"] * (len(t) - 1)),
               "'k' is 'x' (text); expected a whole number >= 1"),
    "k true": (_everywhere("k", True), "'k' is True (true/false); expected a whole number"),
    "user ids as numbers": (lambda t: t.assign(user_id=t["user_id"].astype(int)),
                            "'user_id' is 0; expected the user's id as text"),
    "user id missing": (_everywhere("user_id", None),
                        "'user_id' is missing; expected the user's id as text"),
    "items as numbers": (lambda t: t.assign(items=t["items"].map(lambda i: [int(x) for x in i])),
                         "'items' holds {first_item} at position 1; expected the items "
                         "served as item ids in text"),
    "a missing item": (lambda t: t.assign(items=t["items"].map(lambda i: [*i[:2], None, *i[3:]])),
                       "'items' holds missing at position 3"),
    "scores as text": (lambda t: t.assign(scores=t["scores"].map(lambda s: [str(x) for x in s])),
                       "'scores' holds '{first_score}' at position 1; expected a finite number"),
    "scores true/false": (lambda t: t.assign(scores=t["scores"].map(lambda s: [True] * len(s))),
                          "'scores' holds True (true/false) at position 1; expected a "
                          "finite number"),
    "fallback false": (_everywhere("fallback", False),
                       "'fallback' is False (true/false); expected the fallback's reason"),
    "vector source a number": (_everywhere("vector_source", 1), "'vector_source' is 1;"),
    "endpoint misspelt": (_everywhere("endpoint", "usr"),
                          "'endpoint' is 'usr' (did you mean 'user'?); expected 'user', "
                          "'new-user' or 'similar'"),
    "posted items as numbers": (lambda t: t.assign(endpoint=["new-user"] * len(t),
                                                   input_items=[[1, 2]] * len(t)),
                                "'input_items' holds 1 at position 1; expected the posted "
                                "items as item ids in text"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_column_of_another_kind_is_refused_naming_it(tmp_path, served, case):
    registry, logs = served
    copy = tmp_path / "logs"
    shutil.copytree(logs, copy)
    path = next((copy / "requests").glob("requests-*.parquet"))
    table = pd.read_parquet(path)
    edit, message = CASES[case]
    first_item, first_score = table.at[0, "items"][0], table.at[0, "scores"][0]
    edit(table).to_parquet(path)
    with pytest.raises(RecstackError) as raised:
        check_skew(copy, registry.root)
    expected = message.format(first_item=first_item, first_score=str(first_score))
    assert str(raised.value).startswith(
        f"{path}: row 0 (request {table.at[0, 'request_id']}): "), str(raised.value)
    assert expected in str(raised.value)
    assert str(raised.value).endswith("restore the row or move the file out of the log "
                                      "folder")


def test_the_log_as_written_is_recomputed(tmp_path, served):
    registry, logs = served
    report = check_skew(logs, registry.root)
    assert (report.checked, report.mismatched, report.skipped) == (4, 0, {})
