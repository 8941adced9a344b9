"""``recstack recommend --users`` trimmed the ids of a model of integer ids only: a model of
text ids was asked for ``" u1"`` as given (and said it was not seen in training), and an id
of only whitespace was "not seen in training" too, as if it were an id."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.cli import main
from recstack.data.interactions import Interactions
from tests.serving.service_helpers import publish


@pytest.fixture(scope="module")
def text_ids(tmp_path_factory):
    from recstack.models.baselines import MostPopular

    rng = np.random.default_rng(2)
    users = [f"u{i}" for i in range(12)]
    items = [f"i{i}" for i in range(9)]
    pairs = sorted({(users[u], items[i]) for u, i in rng.integers(0, 9, size=(60, 2))})
    data = Interactions.from_arrays([u for u, _ in pairs], [i for _, i in pairs])
    return publish(tmp_path_factory.mktemp("text") / "registry", MostPopular().fit(data),
                   data, name="pop")


def _users_of(out):
    return [line.split(",")[0] for line in out.splitlines()[1:]]


def test_text_ids_are_trimmed_as_integer_ids_are(text_ids, capsys):
    code = main(["recommend", "pop", "--registry", text_ids.root, "--users", " u1", "u2\t",
                 "--k", "2"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert _users_of(out) == ["u1", "u1", "u2", "u2"]


@pytest.mark.parametrize("blank", [" ", "\t"])
def test_an_id_of_only_whitespace_is_refused_as_empty(text_ids, capsys, blank):
    code = main(["recommend", "pop", "--registry", text_ids.root, "--users", "u1", blank])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == (f"recstack recommend: error: argument --users: {blank!r} is an empty id "
                   "(only whitespace); give the user ids, separated by spaces\n")


def test_an_integer_model_refuses_it_the_same_way(tmp_path, als, train, capsys):
    registry = publish(tmp_path / "registry", als, train)
    code = main(["recommend", "als", "--registry", registry.root, "--users", "7", " "])
    _, err = capsys.readouterr()
    assert code == 2 and "argument --users: ' ' is an empty id (only whitespace)" in err
