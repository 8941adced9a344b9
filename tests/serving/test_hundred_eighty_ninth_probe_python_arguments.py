"""Hundred-eighty-ninth probe: the service's Python API (``Service.recommend_user``,
``recommend_new``, ``similar``, ``history``, ``search_titles``, ``some_users``,
``record_events``, ``reload``) answered a call whose arguments do not fit with Python's
bare TypeError ("got an unexpected keyword argument 'items'"), unlike every other public
function of recstack. Above all the cold start: a new visitor's items given with a user's
request (``recommend_user(user, 10, items=[...])``) named neither what the method takes
nor ``recommend_new``. Now a ConfigError names the method, the nearest name and what it
takes (and, for a history, ``recommend_new``); calls that fit answer as before."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.errors import ConfigError  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402

USER = "Service.recommend_user(user_id, k, *, exclude_seen=..., context=..., timestamp=...)"
NEW = "Service.recommend_new(items, k, *, user_id=..., context=..., timestamp=...)"
VISITOR = ("; a visitor's items (a history the model has not seen) go to "
           "Service.recommend_new(items, k)")


@pytest.fixture(scope="module")
def service(tmp_path_factory, als, train):
    registry = publish(tmp_path_factory.mktemp("python_arguments") / "registry", als, train)
    with client(settings(registry)) as http:
        yield http.app.state.service


@pytest.mark.parametrize("name", ["items", "history", "item_ids"])
def test_a_history_given_with_a_users_request_names_recommend_new(service, item, name):
    expected = f"Service.recommend_user() has no argument {name!r}; it takes {USER}{VISITOR}"
    with pytest.raises(ConfigError, match=f"^{re.escape(expected)}$"):
        service.recommend_user("nobody", 5, **{name: [item]})


@pytest.mark.parametrize(("call", "expected"), [
    (lambda s, u, i: s.recommend_user(u, 5, exclude_sen=False),
     f"Service.recommend_user() has no argument 'exclude_sen' (did you mean "
     f"'exclude_seen'?); it takes {USER}"),
    (lambda s, u, i: s.recommend_new([i], 5, exclude_seen=False),
     f"Service.recommend_new() has no argument 'exclude_seen'; it takes {NEW}"),
    (lambda s, u, i: s.similar(i, kk=3),
     "Service.similar() has no argument 'kk' (did you mean 'k'?); it takes "
     "Service.similar(item_id, k)"),
    (lambda s, u, i: s.history(u),
     "Service.history(): missing 'limit'; it takes Service.history(user_id, limit)"),
    (lambda s, u, i: s.search_titles("a", 5, 6),
     "Service.search_titles() takes at most 2 positional argument(s) (text, limit), got "
     "3; call it as Service.search_titles(text, limit)"),
    (lambda s, u, i: s.some_users(limt=5),
     "Service.some_users() has no argument 'limt' (did you mean 'limit'?); it takes "
     "Service.some_users(limit)"),
    (lambda s, u, i: s.record_events([], event="click"),
     "Service.record_events() has no argument 'event' (did you mean 'events'?); it takes "
     "Service.record_events(events)"),
    (lambda s, u, i: s.reload(verison=1),
     "Service.reload() has no argument 'verison' (did you mean 'version'?); it takes "
     "Service.reload(variant, version)"),
], ids=["recommend_user", "recommend_new", "similar", "history", "search_titles",
        "some_users", "record_events", "reload"])
def test_a_call_that_does_not_fit_names_the_method_and_what_it_takes(service, user, item,
                                                                      call, expected):
    with pytest.raises(ConfigError) as raised:
        call(service, user, item)
    assert str(raised.value) == expected


def test_calls_that_fit_answer_as_before(service, user, item):
    served = service.recommend_user(user, 3, exclude_seen=True)
    assert len(served.item_ids) == 3 and served.user_id == user
    assert len(service.recommend_new([item], k=3).item_ids) == 3
    assert len(service.similar(item, 2)[2].item_ids) == 2
    assert service.some_users(limit=2) == service.some_users(2)
    assert service.recommend_user.__name__ == "recommend_user"  # the method's own name
