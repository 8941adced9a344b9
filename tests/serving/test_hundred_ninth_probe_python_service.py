"""The service's Python API (``Service.recommend_user``, ``recommend_new``, ``similar``,
``history``, ``search_titles``, ``some_users``) read its arguments by the one rule of
text recstack reads only where the HTTP layer had already made them text: bytes failed
with "category() argument must be a unicode character, not int", the integer id 0 was
"the id is empty", a list failed with an AttributeError, ``k=0`` failed inside the item
index naming ``ItemIndex.search_one`` (``similar`` answered an empty list), ``limit=-1``
dropped the last item of the list without a word and ``recommend_new("42")`` asked for
the items '4' and '2'. An items file's titles followed no rule either: bytes that are not
UTF-8 raised pandas' UnicodeDecodeError and a list was shown as ``[1 2]``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.errors import DataFormatError  # noqa: E402
from recstack.serving.service import RequestLimitError, _read_titles  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.fixture(scope="module")
def service(tmp_path_factory, als, train):
    registry = publish(tmp_path_factory.mktemp("python_api") / "registry", als, train)
    with client(settings(registry)) as http:
        yield http.app.state.service


def _ids(served) -> list[str]:
    return served.item_ids.tolist()


def test_an_id_given_as_utf8_bytes_or_an_integer_is_that_id(service, user, item):
    as_text = _ids(service.recommend_user(user, 5))
    assert _ids(service.recommend_user(user.encode(), 5)) == as_text
    assert _ids(service.recommend_user(int(user), 5)) == as_text
    assert _ids(service.recommend_user(np.int64(user), 5)) == as_text
    assert service.recommend_user(user.encode(), 5).user_id == user  # never "b'0'"
    assert _ids(service.recommend_new([item.encode()], 5)) == \
        _ids(service.recommend_new([item], 5))
    assert _ids(service.similar(item.encode(), 5)[2]) == _ids(service.similar(item, 5)[2])
    assert service.history(user.encode(), 5)[0] == user


@pytest.mark.parametrize(("value", "said"), [
    (b"\xff\xfe", "user_id: the id is bytes that are not UTF-8 text (b'\\xff\\xfe': byte 1"),
    (None, "user_id: the id must be text (a str) or an integer, got NoneType None"),
    (["0"], "user_id: the id must be text (a str) or an integer, got list ['0']"),
    (True, "user_id: the id must be text (a str) or an integer, got bool True"),
    (1.0, "user_id: the id must be text (a str) or an integer, got float 1.0"),
])
def test_an_id_of_another_kind_is_refused_naming_the_field(service, value, said):
    with pytest.raises(RequestLimitError) as caught:
        service.recommend_user(value, 5)
    assert said in str(caught.value)


def test_search_text_as_bytes_is_the_text_and_other_kinds_are_refused(service):
    assert service.search_titles(b"1", 5)[0].tolist() == service.search_titles("1", 5)[0].tolist()
    for value, kind in [(1, "int 1"), (None, "NoneType None")]:
        with pytest.raises(RequestLimitError, match=f"q: the search text must be text "
                                                    rf"\(a str\), got {kind}"):
            service.search_titles(value, 5)
    with pytest.raises(RequestLimitError, match="q: the search text is bytes that are not "
                                                "UTF-8 text"):
        service.search_titles(b"\xff", 5)


K_RANGE = "k: Input should be a whole number from 1 to 100 (this service's max_k)"


@pytest.mark.parametrize(("k", "said"), [
    (0, f"{K_RANGE}, not the number 0"),
    (-1, f"{K_RANGE}, not the number -1"),
    (True, f"{K_RANGE}, not bool True"),
    (5.0, f"{K_RANGE}, not float 5.0; write 5, without a decimal point or exponent"),
    ("5", f"{K_RANGE}, not str '5'"),
])
def test_k_is_a_whole_number_from_one_for_every_call(service, user, item, k, said):
    for call in (lambda: service.recommend_user(user, k),
                 lambda: service.recommend_new([item], k),
                 lambda: service.similar(item, k)):
        with pytest.raises(RequestLimitError) as caught:
            call()
        assert str(caught.value) == said


def test_k_beyond_max_k_still_names_the_setting(service, user):
    with pytest.raises(RequestLimitError, match=r"^k: Input should be a whole number from 1 "
                                                r"to 100 \(this service's max_k\), not the "
                                                r"number 101$"):
        service.recommend_user(user, 101)
    assert len(service.recommend_user(np.int64(3), np.int64(5)).item_ids) == 5


@pytest.mark.parametrize("limit", [0, -1, True, "5", 2.0])
def test_a_limit_is_a_whole_number_from_one(service, user, limit):
    for call in (lambda: service.history(user, limit),
                 lambda: service.search_titles("1", limit),
                 lambda: service.some_users(limit)):
        with pytest.raises(RequestLimitError, match="^limit: Input should be a whole number "
                                                    "from 1 to 1000, not "):
            call()


def test_a_limit_keeps_that_many(service, user):
    everything = service.history(user, 1000)[1].tolist()
    assert service.history(user, 2)[1].tolist() == everything[:2]
    assert len(service.some_users(3)) == 3


@pytest.mark.parametrize(("items", "said"), [
    ("42", "items must be a list of item ids, got one id ('42')"),
    (b"42", "items must be a list of item ids, got one id (b'42')"),
    (None, "items must be a list of item ids, got NoneType"),
    ({"42"}, "items must be a list of item ids, got set"),
])
def test_new_visitor_items_are_a_list(service, items, said):
    with pytest.raises(RequestLimitError) as caught:
        service.recommend_new(items, 5)
    assert str(caught.value).startswith(said)


def test_new_visitor_items_as_a_tuple_or_an_array(service, item):
    expected = _ids(service.recommend_new([item], 5))
    assert _ids(service.recommend_new((item,), 5)) == expected
    assert _ids(service.recommend_new(np.array([item], dtype=object), 5)) == expected
    assert _ids(service.recommend_new(pd.Series([item]), 5)) == expected


def _titles_file(path, titles) -> str:
    pd.DataFrame({"item_id": [str(i) for i in range(len(titles))],
                  "title": titles}).to_parquet(path)
    return path


def test_titles_as_utf8_bytes_are_text(tmp_path):
    path = _titles_file(tmp_path / "items.parquet", [b"Caf\xc3\xa9", b"Plain"])
    assert _read_titles(path) == {"0": "Café", "1": "Plain"}
    path = _titles_file(tmp_path / "years.parquet", [1984, 2001])
    assert _read_titles(path) == {"0": "1984", "1": "2001"}


def test_titles_that_are_not_utf8_name_the_row_and_item(tmp_path):
    path = _titles_file(tmp_path / "items.parquet", [None, b"ok", b"\xff"])
    with pytest.raises(DataFormatError) as caught:
        _read_titles(path)
    assert caught.value.column == "title" and caught.value.file == str(path)
    assert "the title of item '2' (row 3) is bytes that are not UTF-8 text" in str(caught.value)


@pytest.mark.parametrize("titles", [[[1], [1, 2]], [False, True]])
def test_a_title_that_is_no_text_is_refused(tmp_path, titles):
    path = _titles_file(tmp_path / "items.parquet", titles)
    with pytest.raises(DataFormatError, match=r"the title of item '0' \(row 1\) is a "):
        _read_titles(path)


@pytest.mark.parametrize("flag", ["false", 0, None])
def test_exclude_seen_is_true_or_false(service, user, flag):
    with pytest.raises(RequestLimitError, match=r"exclude_seen must be True or False, got "):
        service.recommend_user(user, 5, exclude_seen=flag)


def test_exclude_seen_as_a_numpy_boolean(service, user):
    seen = set(service.history(user, 1000)[1].tolist())
    kept = service.recommend_user(user, 50, exclude_seen=np.bool_(False))
    dropped = service.recommend_user(user, 50, exclude_seen=np.bool_(True))
    assert seen & set(_ids(kept)) and not seen & set(_ids(dropped))


@pytest.mark.parametrize(("options", "said"), [
    ({"context": "device=phone"}, "context: Input should be a valid dictionary"),
    ({"context": []}, "context: Input should be a valid dictionary"),
    ({"context": {"device": ["a"]}}, "context.device: Input should be text, a number or a "
                                     "boolean (a context value), not a list"),
    ({"context": {"device": float("nan")}}, "context.device: Input should be a finite "
                                            "number"),
    ({"timestamp": "1764595200"}, "timestamp: Input should be a time in seconds since 1970 "
                                  "(UTC) written as a number"),
    ({"timestamp": float("nan")}, "timestamp: Input should be a finite number"),
    ({"timestamp": 0}, "timestamp: Input should be the request's time in seconds since 1970"),
])
def test_context_and_timestamp_follow_the_bodys_rules(service, user, item, options, said):
    from recstack.serving.service import InvalidContextError

    for call in (lambda: service.recommend_user(user, 5, **options),
                 lambda: service.recommend_new([item], 5, **options)):
        with pytest.raises(InvalidContextError) as caught:
            call()
        assert str(caught.value).startswith(said), str(caught.value)


def test_a_new_visitors_user_id_follows_the_id_rule(service, item):
    assert service.recommend_new([item], 5, user_id=b"7").variant == "default"
    assert service.recommend_new([item], 5, user_id=7).variant == "default"
    with pytest.raises(RequestLimitError, match=r"user_id: the id must be text \(a str\) or "
                                                "an integer, got list"):
        service.recommend_new([item], 5, user_id=[7])
