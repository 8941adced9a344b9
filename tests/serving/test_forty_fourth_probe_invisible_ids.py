"""Forty-fourth bad-input probe of the HTTP service: ids holding invisible characters, ids
in another Unicode form, compressed and non-UTF-8 bodies.

An id copied with a zero-width space, a right-to-left mark or a byte order mark
(``"0\\u200b"``) was another id, unseen: a 404 whose message showed the familiar "0", an
event logged under a user the online metrics never joined, a posted item listed as
unknown. Such an id is now refused (422, naming the field, the character and its position)
unless a served model knows it as it is. An unknown id whose other Unicode form (NFC/NFD)
the model knows says so in the 404. A gzip body was a "UnicodeDecodeError ... byte 0x8b"
(now 415 naming the Content-Encoding), and a body that is not UTF-8 named Python's codec
(now the byte and its position). A path or query whose percent-escapes are not UTF-8 was
read as U+FFFD (now a 400 naming the byte); a huge whole number (1e20) was pydantic's
"unable to parse input string"; settings that are no JSON object named a variant's
fields."""

from __future__ import annotations

import gzip
import time
import unicodedata
from urllib.parse import quote

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.data.interactions import Interactions  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402

CAFE = unicodedata.normalize("NFC", "café")  # one character for é
#: a user id of the training data that holds a zero-width joiner's neighbour, a ZWSP
ODD = "odd\u200bone"
USERS = [CAFE, ODD] + [f"user{i}" for i in range(18)]
ITEMS = [f"item{i}" for i in range(20)]


@pytest.fixture(scope="module")
def http(tmp_path_factory):
    from recstack.models.als import ALS

    rng = np.random.default_rng(4)
    pairs = sorted({(USERS[u], ITEMS[i]) for u, i in rng.integers(0, 20, size=(300, 2))})
    users, items = (np.array(column, dtype=object) for column in zip(*pairs, strict=True))
    data = Interactions.from_arrays(users, items)
    model = ALS(factors=4, iterations=2, seed=0).fit(data)
    root = tmp_path_factory.mktemp("forty_fourth")
    registry = publish(root / "registry", model, data)
    with client(settings(registry, log_dir=str(root / "logs"))) as opened:
        yield opened


def _path(text: str) -> str:
    return quote(text, safe="")


#: (the id as sent, the character's name, its position), worked by hand
INVISIBLE = [
    ("user0\u200b", "a zero-width space, U+200B", 6),
    ("\u200fuser0", "a right-to-left mark, U+200F", 1),
    ("\ufeffuser0", "a byte order mark (zero-width no-break space), U+FEFF", 1),
    ("us\u2066er0", "a bidirectional isolate, U+2066", 3),
    ("user\u00ad0", "a soft hyphen, U+00AD", 5),
]


@pytest.mark.parametrize(("sent", "name", "position"), INVISIBLE)
def test_a_path_id_holding_an_invisible_character_is_a_422_naming_it(http, sent, name,
                                                                     position):
    answer = http.get(f"/users/{_path(sent)}/recommendations?k=3")
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"] == (
        f"user_id: the id {sent!r} is not a known id and it holds an invisible character "
        f"({name}) at character {position}; give the id without it")


def test_an_event_id_holding_an_invisible_character_is_refused_not_logged(http):
    event = {"event": "click", "user_id": "user0", "item_id": "item1\u200e",
             "timestamp": time.time()}
    answer = http.post("/events", json={"events": [event]})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"].startswith(
        "events[0].item_id: the id 'item1\\u200e' is not a known id and it holds an "
        "invisible character (a left-to-right mark, U+200E) at character 6")


def test_a_posted_item_holding_an_invisible_character_is_refused(http):
    answer = http.post("/recommendations/new-user", json={"items": ["item1", "\u200bitem2"]})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"].startswith("items[1]: the id '\\u200bitem2'")


def test_an_id_the_model_knows_with_an_invisible_character_is_served(http):
    answer = http.get(f"/users/{_path(ODD)}/recommendations?k=3")
    assert answer.status_code == 200, answer.text
    assert answer.json()["user_id"] == ODD


def test_zero_width_joiners_are_left_to_the_lookup(http):
    # they belong to the spelling of some scripts and of emoji: an unknown id, not a 422
    answer = http.get(f"/users/{_path('user0' + chr(0x200D))}/recommendations")
    assert answer.status_code == 404, answer.text


def test_an_id_in_another_unicode_form_says_which_form_the_model_knows(http):
    decomposed = unicodedata.normalize("NFD", CAFE)
    assert decomposed != CAFE
    answer = http.get(f"/users/{_path(decomposed)}/recommendations")
    assert answer.status_code == 404, answer.text
    assert f"it knows {CAFE!r}, the same text in Unicode form NFC" in answer.json()["detail"]
    # and the form it knows is served
    assert http.get(f"/users/{_path(CAFE)}/recommendations").status_code == 200


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
def test_a_compressed_body_is_a_415_naming_the_content_encoding(http, coding):
    answer = http.post("/recommendations/new-user",
                       content=gzip.compress(b'{"items": ["item1"]}'),
                       headers={"content-type": "application/json",
                                "content-encoding": coding})
    assert answer.status_code == 415, answer.text
    assert answer.json()["detail"] == (
        f"Content-Encoding {coding!r} is not supported: send the body uncompressed, "
        "without a Content-Encoding header")


def test_content_encoding_identity_is_a_plain_body(http):
    answer = http.post("/recommendations/new-user", content=b'{"items": ["item1"]}',
                       headers={"content-type": "application/json",
                                "content-encoding": "identity"})
    assert answer.status_code == 200, answer.text


def test_a_body_that_is_not_utf8_names_the_byte(http):
    answer = http.post("/users/user0/recommendations", content=b'{"k": "\xe9"}',
                       headers={"content-type": "application/json"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["msg"] == (
        "JSON decode error: the body is not UTF-8 text (byte 0xe9 at byte 8); send JSON "
        "encoded as UTF-8")


@pytest.mark.parametrize("raw", ["[1]", '"models/"'])
def test_settings_that_are_not_an_object_say_so(monkeypatch, raw):
    from recstack.errors import ConfigError
    from recstack.serving.settings import SETTINGS_ENV, settings_from_env

    monkeypatch.setenv(SETTINGS_ENV, raw)
    with pytest.raises(ConfigError) as caught:
        settings_from_env()
    # it named a variant's fields ("name", "model", "share") as if one were expected
    assert str(caught.value) == ('serve settings: the settings should be a JSON object '
                                 f'such as {{"registry": "models/"}}, got {raw}')


def test_a_request_id_holding_an_invisible_character_is_refused(http):
    event = {"event": "click", "user_id": "user0", "item_id": "item1",
             "timestamp": time.time(), "request_id": "abc\u200b"}
    answer = http.post("/events", json={"events": [event]})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"].startswith(
        "events[0].request_id: 'abc\\u200b' is not printable text: it holds an invisible "
        "character (a zero-width space, U+200B) at character 4")


#: the range of a body's k (up to the service's max_k, 100 by default) and of a position
K_RANGE = "Input should be a whole number from 1 to 100 (this service's max_k)"
POSITION_RANGE = "Input should be a whole number from 1 to 1000"


@pytest.mark.parametrize(("path", "body", "said"), [
    ("/recommendations/new-user", '{"items": ["item1"], "k": 1e20}',
     f"{K_RANGE}, not the number 1e+20"),
    ("/users/user0/recommendations", '{"k": 1e30}', f"{K_RANGE}, not the number 1e+30"),
    ("/events", '{"events": [{"event": "click", "user_id": "u", "item_id": "i", '
                '"timestamp": 1.7e9, "position": 1e19}]}',
     f"{POSITION_RANGE}, not the number 1e+19"),
])
def test_a_huge_whole_number_is_refused_by_the_fields_bound(http, path, body, said):
    # it was "Unable to parse input string as an integer, exceeded maximum size"
    answer = http.post(path, content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["detail"]
    assert problem["type"] == "less_than_equal"
    assert problem["msg"] == said


def test_an_event_of_an_id_in_another_unicode_form_is_refused(http):
    decomposed = unicodedata.normalize("NFD", CAFE)
    event = {"event": "click", "user_id": decomposed, "item_id": "item1",
             "timestamp": time.time()}
    answer = http.post("/events", json={"events": [event]})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"] == (
        f"events[0].user_id: the id {decomposed!r} is not known, but {CAFE!r}, the same "
        "text in Unicode form NFC, is: send the id as the model's data spells it")
    # the form the model knows, and an id unknown in every form, are logged as before
    for user in (CAFE, "naïve"):
        answer = http.post("/events", json={"events": [{**event, "user_id": user}]})
        assert answer.status_code == 202, answer.text


@pytest.mark.parametrize(("url", "part", "byte", "position"), [
    ("/users/%FF/recommendations", "path", "0xff", 8),
    ("/users/%C3/recommendations?k=3", "path", "0xc3", 8),  # a sequence cut short
    ("/users/%ED%A0%80/history", "path", "0xed", 8),  # a surrogate, never UTF-8
    ("/items/item1%E9/similar", "path", "0xe9", 13),  # Latin-1's é
    ("/items/search?q=caf%E9", "query", "0xe9", 6),
    ("/users/user0/recommendations?k=%FF", "query", "0xff", 3),
])
def test_a_url_not_utf8_once_percent_decoded_is_a_400_naming_the_byte(http, url, part,
                                                                       byte, position):
    # each bad byte was read as U+FFFD: "user '\ufffd' is unknown", or no search hits
    answer = http.get(url)
    assert answer.status_code == 400, answer.text
    assert answer.json()["detail"] == (
        f"the request's {part} is not UTF-8 text once percent-decoded (byte {byte} at byte "
        f"{position}); percent-encode the UTF-8 bytes of each character, as "
        "encodeURIComponent does")


def test_utf8_escapes_and_the_pages_own_query_are_read_as_before(http):
    assert http.get(f"/users/{_path(CAFE)}/recommendations").status_code == 200
    assert http.get("/?utm_source=caf%E9").status_code == 200
    # U+FFFD sent as its own UTF-8 is text like any other: an unknown user
    assert http.get("/users/%EF%BF%BD/recommendations").status_code == 404
