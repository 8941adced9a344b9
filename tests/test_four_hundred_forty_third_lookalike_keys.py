"""An unknown key holding a letter of another script (a Cyrillic е typed for e) in a table
checked by its spec ([evaluation], [[filters]], a split's options, their flags) names the
character, as every other unknown name does: "did you mean 'n_threads'?" alone printed two
names that look the same."""

from __future__ import annotations

import pytest

from recstack.config import load_experiment
from recstack.errors import ConfigError
from recstack.specs import did_you_mean

CYRILLIC_IE = "\u0435"  # е, drawn as the Latin e

BODY = """name = "x"
[data]
source = "synthetic"
[split]
method = "random"
test_fraction = 0.2
[evaluation]
metrics = ["ndcg"]
ks = [10]
[[models]]
type = "most_popular"
"""


def _named(shown: str, position: int) -> str:
    return (f"{shown!r} holds {CYRILLIC_IE!r} at position {position}, U+0435 CYRILLIC SMALL "
            "LETTER IE: retype it in ASCII)")


@pytest.mark.parametrize("before, after, where, key, near", [
    ("ks = [10]", f'ks = [10]\n"n_thr{CYRILLIC_IE}ads" = 2', "[evaluation] ",
     f"n_thr{CYRILLIC_IE}ads", "n_threads"),
    ("[split]", f'[[filters]]\ntype = "k_core"\n"us{CYRILLIC_IE}r_min" = 3\n[split]',
     "[[filters]] #1 ", f"us{CYRILLIC_IE}r_min", "user_min"),
    ("test_fraction = 0.2", f'"t{CYRILLIC_IE}st_fraction" = 0.2', "[split] ",
     f"t{CYRILLIC_IE}st_fraction", "test_fraction"),
])
def test_a_lookalike_letter_in_a_spec_key_is_named(tmp_path, before, after, where, key, near):
    path = tmp_path / "e.toml"
    path.write_text(BODY.replace(before, after), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_experiment(path)
    position = key.index(CYRILLIC_IE) + 1
    # before: "(did you mean 'n_threads'?)" and nothing more
    assert f"{where}unknown key {key!r}" in str(raised.value)
    assert f"(did you mean {near!r}? {_named(key, position)}" in str(raised.value)


def test_the_character_is_counted_in_the_name_as_the_user_typed_it():
    flag = "--test-fr" + "\u0430" + "ction"  # a Cyrillic а

    def as_flag(key: str) -> str:
        return "--" + key.replace("_", "-")

    hint = did_you_mean("test_fr\u0430ction", ["test_fraction", "seed"], spelled=as_flag)
    assert hint == (f" (did you mean '--test-fraction'? {flag!r} holds '\u0430' at position 10, "
                    "U+0430 CYRILLIC SMALL LETTER A: retype it in ASCII)")
    assert did_you_mean("tset_fraction", ["test_fraction"], spelled=as_flag) == (
        " (did you mean '--test-fraction'?)")


def test_a_filter_flag_names_the_lookalike_letter(tmp_path, capsys):
    from recstack.cli import main

    key = f"us{CYRILLIC_IE}r_min"
    code = main(["data", "split", "synthetic", "--out", str(tmp_path / "split"),
                 "--filter", f"k_core:{key}=3"])
    error = capsys.readouterr().err
    assert code == 2
    assert error == (f"recstack data split: error: argument --filter: k_core:{key}=3: unknown "
                     f"key {key!r} for k_core (did you mean 'user_min'? {_named(key, 3)}; "
                     "known keys: user_min, item_min\n")
    assert list(tmp_path.iterdir()) == []
