"""``recstack recommend --users`` reads ids by the rule of every id reader: trimmed, and an
integer (for a model of integer ids) only when spelt plainly. Python's int() read "007",
"+7", "1_0" and the Arabic-Indic "٣" as users 7, 7, 10 and 3, and "³" was a traceback
(StopIteration)."""

from __future__ import annotations

import pytest

from recstack.cli import main
from tests.serving.service_helpers import publish


@pytest.fixture
def registry(tmp_path, als, train):
    assert als.users_.external_ids.dtype.kind in "iu"
    return publish(tmp_path / "registry", als, train)


@pytest.mark.parametrize("user", ["007", "+7", "1_0", "٣", "³", "7.0", "9" * 25])
def test_a_user_that_is_not_a_plain_integer_is_refused_naming_it(registry, capsys, user):
    code = main(["recommend", "als", "--registry", registry.root, "--users", "7", user,
                 "--k", "2"])
    out, err = capsys.readouterr()
    assert code == 2
    assert err.startswith(f"recstack: error: als: user {user!r} not seen in training (this "
                          "model's user ids are integers, written plainly")
    assert "Traceback" not in err and out == ""


def test_plain_and_padded_integers_are_the_users_they_spell(registry, capsys):
    code = main(["recommend", "als", "--registry", registry.root, "--users", "7", " 3 ",
                 "--k", "2"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert [line.split(",")[0] for line in out.splitlines()[1:]] == ["7", "7", "3", "3"]
