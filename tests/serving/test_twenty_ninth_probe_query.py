"""Twenty-ninth bad-input probe of the HTTP service: the query.

``?k=3;exclude_seen=0`` was refused with the message about digit-group underscores
("no '_'"), which said nothing of the stray ';' (a query's parameters are joined by '&',
so ``k`` was the text ``"3;exclude_seen=0"``). ``?k=+5`` (a space, in a query), ``?k=%2B5``,
``?k=05``, ``?k=%205`` and ``?k=5.0`` were all read as 5, by every integer parameter (``k``,
``limit``; the fast path took ``05`` too). ``?exclude_seen=nope`` was "unable to interpret
input", not saying what a boolean is written as. ``?q=%20`` matched every title holding a
space, and ``?q=%00`` searched for a NUL."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings, write_titles  # noqa: E402


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    folder = tmp_path_factory.mktemp("twenty_ninth_query")
    registry = publish(folder / "registry", als, train)
    titles = write_titles(folder / "items.parquet", train)
    with client(settings(registry, items_file=str(titles))) as opened:
        yield opened


def _problem(answer):
    assert answer.status_code == 422, answer.text
    (problem,) = answer.json()["detail"]
    return problem


PATHS = ["/users/{user}/recommendations?k={value}", "/items/{item}/similar?k={value}",
         "/users/{user}/history?limit={value}", "/users?limit={value}",
         "/items/search?q=a&limit={value}"]


def _name(path):
    return path.rpartition("?")[2].rpartition("&")[2].partition("=")[0]


def _range(name):
    """The range a refusal of ``name`` states: a k's top is the service's max_k (100 by
    default), a limit's the schema's 1000."""
    return "from 1 to 100 (this service's max_k)" if name == "k" else "from 1 to 1000"


@pytest.mark.parametrize("path", PATHS)
def test_a_semicolon_in_a_number_says_to_join_parameters_with_an_ampersand(
        http, user, item, path):
    problem = _problem(http.get(path.format(user=user, item=item, value="3;exclude_seen=0")))
    assert problem["loc"] == ["query", _name(path)]
    assert problem["input"] == "3;exclude_seen=0"
    assert problem["msg"] == (f"Input should be a whole number {_range(_name(path))}, not "
                              "'3;exclude_seen=0'; one number only: ';' does not separate "
                              "query parameters: join them with '&' (?k=3&exclude_seen=false)")
    assert "'_'" not in problem["msg"]


def test_a_list_in_a_number_and_a_semicolon_in_the_flag_are_named(http, user):
    listed = _problem(http.get(f"/users/{user}/recommendations?k=3,4"))
    assert listed["loc"] == ["query", "k"]
    assert "takes one value, not a list (no ',')" in listed["msg"]
    flag = _problem(http.get(f"/users/{user}/recommendations?exclude_seen=0;k=3"))
    assert flag["loc"] == ["query", "exclude_seen"]
    assert "';' does not separate query parameters: join them with '&'" in flag["msg"]


#: raw query text -> (what the server reads, the words of the refusal that follow it)
SPELLINGS = {
    "%2B5": ("+5", "write it plainly, without a '+' sign"),
    "+5": (" 5", "write it plainly, without surrounding spaces; a '+' in a query is a space"),
    "05": ("05", "write it plainly, without leading zeros"),
    "005": ("005", "write it plainly, without leading zeros"),
    "%205": (" 5", "write it plainly, without surrounding spaces; a '+' in a query is a space"),
    "5%20": ("5 ", "write it plainly, without surrounding spaces; a '+' in a query is a space"),
    "5.0": ("5.0", "write 5, without a decimal point or exponent"),
    "5e0": ("5e0", "write 5, without a decimal point or exponent"),
}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("raw", list(SPELLINGS))
def test_an_integer_not_written_plainly_is_refused_by_every_integer_parameter(
        http, user, item, path, raw):
    read, words = SPELLINGS[raw]
    problem = _problem(http.get(path.format(user=user, item=item, value=raw)))
    assert problem["loc"] == ["query", _name(path)]
    assert problem["input"] == read
    assert problem["msg"] == (f"Input should be a whole number {_range(_name(path))}, not "
                              f"'{read}'; {words}")


def test_an_empty_number_says_it_has_no_value(http, user):
    problem = _problem(http.get(f"/users/{user}/recommendations?k="))
    assert problem["loc"] == ["query", "k"]
    assert "the parameter has no value" in problem["msg"]


def test_plain_numbers_are_still_read(http, user, item):
    assert len(http.get(f"/users/{user}/recommendations?k=5").json()["items"]) == 5
    assert len(http.get(f"/users/{user}/recommendations?k=10").json()["items"]) == 10
    assert len(http.get(f"/items/{item}/similar?k=3").json()["items"]) == 3
    assert len(http.get("/users?limit=7").json()["users"]) == 7
    # text that is no number is refused as no whole number
    assert "Input should be a whole number" in _problem(
        http.get(f"/users/{user}/recommendations?k=abc"))["msg"]


def test_a_flag_that_is_no_boolean_says_how_to_write_one(http, user):
    problem = _problem(http.get(f"/users/{user}/recommendations?exclude_seen=nope"))
    assert problem["loc"] == ["query", "exclude_seen"]
    assert problem["msg"] == ("Input should be one boolean; write true or false (or 1 or 0); "
                              "also read, in any letter case: yes/no, on/off, t/f, y/n")
    for word in ("false", "0", "False", "no"):
        assert http.get(f"/users/{user}/recommendations?k=2&exclude_seen={word}") \
            .status_code == 200


@pytest.mark.parametrize("query", ["%20", "%20%20%20", "%09", "+"])
def test_a_search_of_only_whitespace_is_a_422_naming_q(http, query):
    answer = http.get(f"/items/search?q={query}")
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"].startswith("q: the search text ")
    assert answer.json()["detail"].endswith("is only whitespace; give a word of a title to "
                                            "search for")


def test_a_search_holding_a_control_character_is_a_422_naming_it(http):
    answer = http.get("/items/search?q=a%00")
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"] == ("q: the search text 'a\\x00' is not printable text: "
                                       "it holds a control character (NUL) at character 2; "
                                       "give a word of a title")


def test_a_search_with_inner_spaces_still_works(http, train):
    title = str(train.item_table["title"].iloc[0])
    words = title.split()
    assert len(words) > 1  # the synthetic titles have several words
    found = http.get("/items/search", params={"q": " ".join(words[:2])}).json()["items"]
    assert title in [hit["title"] for hit in found]
