"""One wording for one rule: a seed refused on the command line and in a file says the same
rule (``--seed`` said "must be a seed, 0..4294967295", a file "a seed is a whole number in
[0, ...] everywhere (32 bits: ...)"); ``data synth --items 1`` is refused as every option's
bound is ("argument --items: must be >= 2", not the library's "--items must be at least 2"
on another prefix); long values are cut by one rule (recstack.errors.echoed), file names
included (atomic.shortened wrote ``'aaa'...'aaa'`` without the length)."""

from __future__ import annotations

import pytest

from recstack.atomic import shortened
from recstack.cli import main
from recstack.config import check_seed
from recstack.errors import ConfigError, cut_long_values, cut_values_of, echoed

WIDEST = 2**32 - 1
#: the rule, written out from its definition (32-bit unsigned seeds)
RULE = (f"a seed is a whole number in [0, {WIDEST}] (32 bits, what every seeded part "
        f"accepts)")


@pytest.mark.parametrize("seed, bound", [(-1, ">= 0"), (WIDEST + 1, f"<= {WIDEST}")])
def test_the_command_line_says_the_seed_rule_in_the_files_words(tmp_path, capsys, seed, bound):
    with pytest.raises(SystemExit) as stop:
        main(["data", "synth", "--seed", str(seed), "--out", str(tmp_path / "out")])
    assert stop.value.code == 2
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line == (f"recstack data synth: error: argument --seed: must be {bound}, got "
                    f"{seed}; {RULE}")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("seed, bound", [(-1, ">= 0"), (WIDEST + 1, f"<= {WIDEST}")])
def test_a_file_seed_says_the_same_rule(seed, bound):
    with pytest.raises(ConfigError) as error:
        check_seed(seed, "exp.toml: seed")
    assert str(error.value) == f"exp.toml: seed = {seed}: must be {bound}; {RULE}"


@pytest.mark.parametrize("items", ["1", "0", "-3"])
def test_synth_items_below_two_is_an_option_bound(tmp_path, capsys, items):
    with pytest.raises(SystemExit) as stop:
        main(["data", "synth", "--items", items, "--out", str(tmp_path / "out")])
    assert stop.value.code == 2
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line == f"recstack data synth: error: argument --items: must be >= 2, got {items}"
    assert not (tmp_path / "out").exists()


def test_synth_users_bound_is_said_in_the_same_style(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["data", "synth", "--users", "0", "--out", str(tmp_path / "out")])
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line == "recstack data synth: error: argument --users: must be >= 1, got 0"


def test_the_cutting_helpers_live_beside_shown():
    long = "a" * 300
    assert echoed(long) == "a" * 60 + "..." + "a" * 20 + " (300 characters)"
    assert cut_long_values(f"x = '{long}'") == f"x = '{'a' * 60}...{'a' * 20}' (300 characters)"
    error = ValueError(f"bad {long}")
    cut_values_of(error)
    assert str(error) == f"bad {'a' * 60}...{'a' * 20} (300 characters)"


def test_a_long_file_name_is_cut_as_every_value_is():
    # 60 characters at most: 30 of the start, 15 of the end, the length said
    name = "b" * 30 + "c" * 240 + "d" * 30
    assert shortened(name) == f"'{'b' * 30}...{'d' * 15}' (300 characters)"
    assert shortened("short.toml") == "'short.toml'"
