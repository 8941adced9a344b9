"""Four-hundred-fifty-fifth round: a request body in a transfer coding other than
``chunked`` (``Transfer-Encoding: gzip, chunked``) is answered 501 naming the coding and
what the service takes (the server undid the chunks and passed the gzip bytes on, and the
body was refused as "not UTF-8 text"), in the app and under uvicorn."""

from __future__ import annotations

import gzip
import socket
import subprocess
import sys
import time
import warnings

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")
pytest.importorskip("httpx", reason="the service tests need httpx")

from tests.serving.service_helpers import (  # noqa: E402
    ROOT,
    client,
    free_port,
    publish,
    settings,
    stop_service,
)

BODY = b'{"k": 3}'


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A registry holding a most-popular model, and a user it knows."""
    from recstack.data.synthetic import generate
    from recstack.models.baselines import MostPopular

    train = generate(n_users=30, n_items=20, n_interactions=300, seed=5, progress=None)
    model = MostPopular().fit(train)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        registry = publish(tmp_path_factory.mktemp("p455") / "registry", model, train)
    return registry, str(train.users.external_ids[0])


def _chunked(body: bytes) -> bytes:
    return f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"


@pytest.mark.parametrize(("coding", "named"), [
    ("gzip, chunked", "gzip"),
    ("deflate,chunked", "deflate"),
    ("x-gzip ,  Chunked", "x-gzip"),
])
def test_a_compressed_transfer_coding_is_501_naming_it(served, coding, named):
    registry, user = served
    with client(settings(registry)) as http:
        answer = http.post(f"/users/{user}/recommendations", content=gzip.compress(BODY),
                           headers={"content-type": "application/json",
                                    "transfer-encoding": coding})
    assert answer.status_code == 501, answer.text
    assert answer.json() == {"detail": (
        f"Transfer-Encoding {coding!r} names a coding this service does not decode "
        f"({named}); send the body uncompressed, with Transfer-Encoding: chunked alone or "
        "a Content-Length")}


@pytest.mark.parametrize("coding", ["chunked", "Chunked", "identity, chunked"])
def test_chunked_alone_is_still_read(served, coding):
    registry, user = served
    with client(settings(registry)) as http:
        answer = http.post(f"/users/{user}/recommendations", content=BODY,
                           headers={"content-type": "application/json",
                                    "transfer-encoding": coding})
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["items"]) == 3


def _raw_post(port: int, path: str, coding: str, payload: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(
            f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Transfer-Encoding: {coding}\r\nConnection: close\r\n\r\n".encode() + payload)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def _start(registry) -> tuple[subprocess.Popen, int]:
    """``recstack serve`` on a free port, once ready (a deadline longer than
    ``start_service``'s: on a loaded machine its 60 s ran out)."""
    import httpx

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "recstack.cli", "serve", "--registry", registry.root,
         "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2).status_code == 200:
                return process, port
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise AssertionError("the service did not become ready in 240 s")


def test_gzip_chunked_is_501_under_uvicorn(served):
    registry, user = served
    process, port = _start(registry)
    try:
        path = f"/users/{user}/recommendations"
        refused = _raw_post(port, path, "gzip, chunked", _chunked(gzip.compress(BODY)))
        fine = _raw_post(port, path, "chunked", _chunked(BODY))
    finally:
        stop_service(process)
    head, _, body = refused.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 501 "), refused
    assert b"'gzip, chunked' names a coding this service does not decode (gzip)" in body
    assert fine.startswith(b"HTTP/1.1 200 "), fine
