"""Requests the server's HTTP parser cannot read are answered in the service's JSON shape.

uvicorn answered them itself, before the app saw anything, with a plain-text ``Invalid
HTTP request received.`` (400): a URL over 65,535 bytes (a batch of ids put in a query
string), a header value holding a control character, a method HTTP does not have. Every
other refusal of the service is JSON ``{"detail": ...}`` saying what was wrong; these say
it now too, a URL too long as a 414 naming the limit. ``recstack serve`` runs the
protocol that does so; the server goes on answering afterwards.

Requests are sent on raw sockets: an HTTP client refuses to send most of them."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")
pytest.importorskip("uvicorn", reason="the service tests need the serving extra")

from recstack.serving.registry import ModelRegistry  # noqa: E402
from recstack.serving.settings import ServiceSettings  # noqa: E402

WAIT = 60.0


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    from recstack.data.synthetic import generate
    from recstack.models.baselines import MostPopular

    train = generate(n_users=40, n_items=30, n_interactions=400, seed=3, progress=None)
    publisher = ModelRegistry(tmp_path_factory.mktemp("unreadable") / "registry")
    publisher.publish("popular", MostPopular().fit(train), data=train)
    return publisher


@contextlib.contextmanager
def _server(registry: ModelRegistry, protocol) -> Iterator[int]:
    """uvicorn serving the app with ``protocol`` in a thread, on a socket bound here; its
    port."""
    import uvicorn

    from recstack.serving.app import create_app

    settings = ServiceSettings.create(registry=str(registry.root))
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="critical",
                                          http=protocol))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]},
                              daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield listening.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=WAIT)
        listening.close()


def _send(port: int, head: bytes, *, first: int | None = None
          ) -> tuple[int, dict[str, str], bytes]:
    """``head`` sent as it is (its ``first`` bytes alone first, so that the server holds
    a head not yet complete); the answer's status, headers and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as connection:
        if first is not None:
            connection.sendall(head[:first])
            time.sleep(0.3)
            head = head[first:]
        with contextlib.suppress(ConnectionError):  # refused while still sending
            connection.sendall(head)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    raw_head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = raw_head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip()
               for k, _, v in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body


def _get(port: int, target: bytes, *extra: bytes) -> tuple[int, dict[str, str], bytes]:
    return _send(port, b"GET " + target + b" HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
                 + b"".join(line + b"\r\n" for line in extra) + b"\r\n")


def _detail(headers: dict[str, str], body: bytes) -> str:
    assert headers["content-type"] == "application/json", (headers, body[:200])
    answer = json.loads(body)
    assert list(answer) == ["detail"], answer
    assert int(headers["content-length"]) == len(body)
    return answer["detail"]


def _check_refusals(port: int) -> None:
    # before: 400 text/plain "Invalid HTTP request received." for each
    long_url = b"/users/1/recommendations?k=" + b"1" * 70_000
    status, headers, body = _get(port, long_url)
    assert status == 414, (status, body[:200])
    detail = _detail(headers, body)
    assert f"is {len(long_url):,} bytes" in detail, detail
    assert "at most 65,535 bytes" in detail, detail
    assert "POST /recommendations/new-user" in detail, detail

    status, headers, body = _get(port, b"/health", b"X-Trace: a\x01b")
    assert status == 400, (status, body[:200])
    detail = _detail(headers, body)
    assert "a header value holds a control character" in detail, detail

    status, headers, body = _send(port, b"FETCH /health HTTP/1.1\r\nHost: test\r\n\r\n")
    assert status == 400, (status, body[:200])
    assert "its method is none HTTP has" in _detail(headers, body)

    # the server reads the next request as before, and within the limit a long URL
    # reaches the service (its own 422 names the field)
    status, headers, body = _get(port, b"/health")
    assert status == 200 and json.loads(body)["status"] == "ok", body
    status, headers, body = _get(port, b"/users/" + b"a" * 60_000 + b"/recommendations")
    assert status == 422 and "at most 128 characters" in body.decode(), body[:300]


def test_the_server_protocol_answers_requests_it_cannot_read_as_json(registry):
    from recstack.serving.app import ServerProtocol

    with _server(registry, ServerProtocol) as port:
        _check_refusals(port)


def test_recstack_serve_runs_the_protocol_that_answers_in_json(registry, tmp_path):
    from tests.serving.service_helpers import start_service, stop_service

    process, url = start_service(tmp_path, registry)
    try:
        _check_refusals(int(url.rsplit(":", 1)[1]))
    finally:
        assert stop_service(process) == 0


def test_worker_processes_are_given_the_protocol_by_name(monkeypatch):
    import uvicorn
    from uvicorn.importer import import_from_string

    from recstack.serving.app import ServerProtocol, _http_protocol

    assert _http_protocol(1) is ServerProtocol
    # uvicorn pickles a worker's configuration: the class itself imported this module
    # before the worker answered its health check, and busy workers were killed as dead
    monkeypatch.setattr(uvicorn, "__version__", "0.36.0")
    named = _http_protocol(2)
    assert named == "recstack.serving.app:ServerProtocol"
    assert import_from_string(named) is ServerProtocol
    monkeypatch.setattr(uvicorn, "__version__", "0.30.6")  # takes no name: its own
    assert _http_protocol(2) == "auto"


def test_under_h11_a_head_too_long_is_a_431_in_json(registry):
    from uvicorn.protocols.http.h11_impl import H11Protocol

    from recstack.serving.app import _ReadableRefusals

    class H11WithRefusals(_ReadableRefusals, H11Protocol):
        pass

    with _server(registry, H11WithRefusals) as port:
        # h11 refuses a head once more than 16 KB of it wait incomplete
        status, headers, body = _send(port, b"GET /health?" + b"a" * 40_000
                                      + b" HTTP/1.1\r\nHost: test\r\n\r\n", first=30_000)
        assert status == 431, (status, body[:200])
        detail = _detail(headers, body)
        assert "URL and headers together are longer than this server reads" in detail
        status, headers, body = _get(port, b"/health two words")
        assert status == 400, (status, body[:200])
        detail = _detail(headers, body)
        assert "the request is not HTTP/1.1 this server can read" in detail, detail
        status, headers, body = _get(port, b"/health")
        assert status == 200, body


# --------------------------------------------------------------------------- other inputs
@pytest.fixture(scope="module")
def port(registry):
    from recstack.serving.app import ServerProtocol

    with _server(registry, ServerProtocol) as served:
        yield served


def _request(port: int, method: bytes, target: bytes, body: bytes | None = None
             ) -> tuple[int, dict[str, str], bytes]:
    extra = b"" if body is None else (b"Content-Type: application/json\r\nContent-Length: "
                                      + str(len(body)).encode() + b"\r\n")
    return _send(port, method + b" " + target + b" HTTP/1.1\r\nHost: evil.example\r\n"
                 b"Connection: close\r\n" + extra + b"\r\n" + (body or b""))


@pytest.mark.parametrize(("method", "target", "bare"), [
    (b"GET", b"/users/1/recommendations/?k=3", "/users/1/recommendations"),
    (b"POST", b"/users/1/recommendations/", "/users/1/recommendations"),
    (b"GET", b"/users/", "/users"),
    (b"GET", b"/health/", "/health"),
    (b"GET", b"/items/3/similar//", "/items/3/similar"),
    (b"POST", b"/events/", "/events"),
])
def test_a_trailing_slash_is_a_404_naming_the_path_without_it(port, method, target, bare):
    status, headers, body = _request(port, method, target, b"{}" if method == b"POST" else None)
    # before: 307 with no body, to a Location built from the Host header
    # (http://evil.example/users/1/recommendations)
    assert status == 404, (status, headers, body[:200])
    assert "location" not in headers, headers
    detail = _detail(headers, body)
    assert "the path has a trailing slash; send it without" in detail, detail
    assert repr(bare) in detail, detail


def test_a_path_no_endpoint_serves_says_so_without_a_slash_hint(port):
    status, headers, body = _request(port, b"GET", b"/nowhere/")
    assert status == 404
    detail = _detail(headers, body)
    assert detail == "no endpoint at GET '/nowhere/'; the endpoints are listed at /docs"


@pytest.mark.parametrize(("method", "target", "body", "status", "words"), [
    (b"PUT", b"/users/1/recommendations", None, 405, "it takes GET, HEAD, POST"),
    (b"DELETE", b"/users/1/history", None, 405, "it takes GET, HEAD"),
    (b"PATCH", b"/items/search?q=a", None, 405, "it takes GET, HEAD"),
    (b"GET", b"/users/a%00b/recommendations", None, 422, "control character (NUL)"),
    (b"GET", b"/users/%ff/recommendations", None, 400, "not UTF-8"),
    (b"GET", b"/users/" + b"7" * 5000 + b"/recommendations", None, 422,
     "at most 128 characters"),
    (b"POST", b"/recommendations/new-user",
     json.dumps({"items": [str(n) for n in range(100_000)]}).encode(), 422, "max_items"),
    (b"POST", b"/recommendations/new-user", b"[1, 2]", 422, "not a list"),
    (b"POST", b"/recommendations/new-user", b"[" * 10_000 + b"]" * 10_000, 422,
     "nested too deeply"),
    (b"POST", b"/users/1/recommendations", b'{"context": ' + b"[" * 10_000 + b"]" * 10_000
     + b"}", 422, "nested too deeply"),
])
def test_hostile_inputs_get_a_json_refusal_naming_what_is_wrong(port, method, target, body,
                                                                 status, words):
    got, headers, answer = _request(port, method, target, body)
    assert got == status, (got, answer[:300])
    assert words in answer.decode(), answer[:400]
    assert headers["content-type"] == "application/json", headers
    if got == 405:
        assert headers["allow"] == words.removeprefix("it takes "), headers
    # the server answers on
    assert _get(port, b"/health")[0] == 200
