from dataclasses import dataclass

import pytest

from recstack.errors import ConfigError
from recstack.specs import Registry, Spec, build_spec, closest, convert, option, type_text


@dataclass(frozen=True)
class Toy(Spec):
    """A toy spec."""

    share: float = option(0.5, "a share", low=0.0, high=1.0, open_low=True)
    count: int = option(1, "a count", low=1)
    moment: int | str | None = option(None, "a time")
    pair: tuple[float, float] | None = option(None, "two numbers")
    mode: str = option("a", "a mode", choices=("a", "b"))
    flag: bool = option(False, "a flag")


@pytest.mark.parametrize(("values", "message"), [
    ({"share": 0}, "t: share = 0: must be in (0, 1]"),
    ({"share": 1.0000001}, "t: share = 1.0000001: must be in (0, 1]"),
    ({"share": float("inf")}, "t: share = inf: must be a finite number"),
    ({"share": True}, "t: share = true: expected a number (true and false are not numbers: "
                      "write share as a number in digits)"),
    ({"count": 0}, "t: count = 0: must be >= 1"),
    ({"count": 2.0}, "t: count = 2.0: expected an integer (a whole number is written in "
                      "digits alone, without a point or an exponent: count = 2)"),
    ({"count": False}, "t: count = false: expected an integer (true and false are not "
                       "numbers: write count as a whole number in digits)"),
    ({"moment": 1.5}, "t: moment = 1.5: expected a time: whole Unix seconds or an ISO date "
                      "such as 2020-01-31 or 2020-01-31T12:00:00"),
    ({"pair": [1]}, "t: pair = [1]: expected a list of 2 (a number, a number)"),
    ({"pair": [1, "x"]}, 't: pair = [1, "x"]: expected a list of 2 (a number, a number)'),
    ({"mode": "c"}, "t: mode = \"c\": must be one of 'a', 'b'"),
    ({"flag": 1}, "t: flag = 1: expected true or false"),
    ({"shar": 1}, "t: unknown key 'shar' (did you mean 'share'?); known keys: share, count, "
                  "moment, pair, mode, flag"),
])
def test_each_value_is_checked_against_its_declaration(values, message):
    with pytest.raises(ConfigError) as error:
        build_spec(Toy, values, "t: ")
    assert str(error.value) == message


def test_values_are_converted_to_the_declared_type():
    toy = build_spec(Toy, {"share": 1, "moment": 5, "pair": [1, 2.5], "flag": True})
    assert toy == Toy(1.0, 1, 5, (1.0, 2.5), "a", True)
    assert isinstance(toy.share, float) and isinstance(toy.moment, int)
    assert isinstance(toy.pair, tuple)
    assert build_spec(Toy, {"moment": "2020-01-01"}).moment == "2020-01-01"
    with pytest.raises(ConfigError, match=r"^Toy: count = -1: must be >= 1$"):
        Toy(count=-1)


def test_registry_refuses_two_specs_under_one_name_and_suggests_names():
    registry: Registry[Toy] = Registry("toy kind")
    registered = registry.register("toy")(type("Registered", (Toy,), {}))
    assert registry.get("toy") is registered and "toy" in registry
    assert registered.kind_name == "toy" and Toy.kind_name == ""
    with pytest.raises(ValueError, match="two toy kinds registered as 'toy'"):
        registry.register("toy")(type("Other", (Toy,), {}))
    with pytest.raises(ConfigError, match=r"^'tyo' is not a known toy kind \(did you mean "
                                          r"'toy'\?\); known: toy$"):
        registry.get("tyo")
    assert closest("zzz", ["toy"]) is None
    # a difference of case alone wins over a nearer spelling ('AL' is closer to 'al' too)
    assert closest("NDCG", ["ndcg_linear", "ndcg"]) == "ndcg"


def test_type_words():
    assert type_text(int | str | None) == ("a time: whole Unix seconds or an ISO date such as "
                                           "2020-01-31 or 2020-01-31T12:00:00")
    assert convert([1, 2], tuple[int, ...]) == (1, 2)
