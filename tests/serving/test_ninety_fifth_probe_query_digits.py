"""Ninety-fifth bad-input probe, digits of another script in a query's whole number:
``?k=٣`` (Arabic-Indic), ``?k=５`` (full-width, as a phone keyboard in a CJK input mode
types it) or ``?limit=३`` (Devanagari) was refused with pydantic's "unable to parse
string as an integer", which named no digit the parameter takes. They are refused (as
before, never read as 3: the one rule of a query integer is ASCII digits written plainly)
and the message says to write the number with the digits 0-9, naming the digit. So are
digits beside a character that is no digit (``?k=0x10``, ``?k=10px``, ``?k=5%00``), which
got the same message: the character and its position are named."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    registry = publish(tmp_path_factory.mktemp("digits") / "registry", als, train)
    with client(settings(registry)) as http:
        yield http


DIGITS = {"arabic-indic three": "\u0663", "full-width five": "\uff15",
          "devanagari three": "\u0969", "arabic-indic twelve": "\u0661\u0662",
          "ASCII and full-width": "1\uff15"}
PATHS = {"user recommendations k": ("/users/{user}/recommendations", "k"),
         "similar items k": ("/items/{item}/similar", "k"),
         "history limit": ("/users/{user}/history", "limit"),
         "users limit": ("/users", "limit")}


@pytest.mark.parametrize("digits", DIGITS.values(), ids=DIGITS.keys())
@pytest.mark.parametrize("path, name", PATHS.values(), ids=PATHS.keys())
def test_digits_of_another_script_are_refused_naming_the_digits_to_use(
        http, user, item, path, name, digits):
    answer = http.get(path.format(user=user, item=item), params={name: digits})
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["query", name]
    assert problem["input"] == digits
    assert "ASCII digits 0-9" in problem["msg"], problem["msg"]
    assert "a digit of another script" in problem["msg"], problem["msg"]


STRAY = {"hexadecimal": ("0x10", "character 2 is LATIN SMALL LETTER X ('x')"),
         "a unit": ("10px", "character 3 is LATIN SMALL LETTER P ('p')"),
         "a NUL": ("5\x00", "character 2 is U+0000 ('\\x00')"),
         "an en dash for a minus": ("\u20135", "character 1 is EN DASH"),
         "after a sign": ("-5a", "character 3 is LATIN SMALL LETTER A")}


@pytest.mark.parametrize("text, named", STRAY.values(), ids=STRAY.keys())
@pytest.mark.parametrize("path, name", PATHS.values(), ids=PATHS.keys())
def test_a_character_beside_the_digits_is_named(http, user, item, path, name, text, named):
    answer = http.get(path.format(user=user, item=item), params={name: text})
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["query", name]
    assert "with the digits 0-9 only" in problem["msg"], problem["msg"]
    assert named in problem["msg"], problem["msg"]


def test_the_same_number_in_ascii_digits_is_answered(http, user):
    answer = http.get(f"/users/{user}/recommendations", params={"k": "3"})
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["items"]) == 3


@pytest.mark.parametrize("text", ["abc", "three"])
def test_text_without_digits_keeps_the_integer_message(http, user, text):
    answer = http.get(f"/users/{user}/recommendations", params={"k": text})
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["detail"]
    assert "ASCII digits" not in problem["msg"]
    assert "Input should be a whole number" in problem["msg"]
