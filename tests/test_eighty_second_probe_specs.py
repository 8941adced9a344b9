"""A misspelt choice of any spec field gets the nearest choice, in the API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from recstack.data.splits import KFold
from recstack.errors import ConfigError
from recstack.specs import Option, Spec, option


@pytest.mark.parametrize("value", ["usr", "users", "User"])
def test_kfold_stratify_misspelt(value):
    with pytest.raises(ConfigError, match=r"stratify = .*must be one of 'user', 'none' "
                                          r"\(did you mean 'user'\?\)"):
        KFold(stratify=value)


def test_every_field_with_choices_gets_the_hint():
    @dataclass(frozen=True)
    class Probe(Spec):
        mode: str = option("fast", "how", choices=("fast", "careful"))

    with pytest.raises(ConfigError, match=r"mode = 'carefull'.*\(did you mean 'careful'\?\)"):
        Probe(mode="carefull")
    assert Option("d", choices=("fast", "careful")).problem("zzzz") == \
        "must be one of 'fast', 'careful'"
    assert Option("d", choices=(1, 2)).problem(3) == "must be one of 1, 2"
    assert Option("d", choices=("fast",)).problem("fast") is None


def test_cli_stratify_misspelt(tmp_path, capsys):
    from recstack.cli import main

    code = main(["data", "split", "synthetic", "--method", "kfold", "--stratify", "users",
                 "--out", str(tmp_path / "o")])
    assert code != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "did you mean 'user'?" in err[0]
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("kind, hint", [("integer", " (did you mean 'int'?)"),
                                        ("Float", " (did you mean 'float'?)"),
                                        ("zzz", ""), (3, "")])
def test_a_misspelt_dimension_type_is_named(kind, hint):
    from recstack.config import check_dimension

    with pytest.raises(ConfigError) as caught:
        check_dimension("space.factors: ", {"type": kind, "low": 4, "high": 8})
    assert str(caught.value) == (f"space.factors: type = {kind!r}: must be one of 'int', "
                                 f"'float', 'categorical'{hint}")

