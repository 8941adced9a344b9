"""Seventh bad-input probe, the command line: a ``serve --host`` that is not a host. An
empty one was taken by uvicorn for every interface (the service opened to the network
where the default keeps it to this machine); one with a scheme, a port or a space failed
only after the model loaded ("Name or service not known"), or hung. Each test failed
before its fix."""

from __future__ import annotations

import re
import socket

import pytest

from recstack import cli
from recstack.cli import main


def _run(capsys, *argv: str) -> tuple[int, str]:
    try:
        code = main(list(argv))
    except SystemExit as stop:  # argparse refuses the argument itself
        code = stop.code
    return code, capsys.readouterr().err


@pytest.fixture
def never_serve(monkeypatch):
    """Fail the test if the service would start (the host should have been refused)."""
    def refuse(*args, **kwargs):
        raise AssertionError("the service started")
    pytest.importorskip("recstack.serving.app")
    monkeypatch.setattr("recstack.serving.app.serve", refuse)
    monkeypatch.setattr("recstack.serving.service.preflight", refuse)


@pytest.mark.parametrize(("host", "says"), [
    ("", r"got '' \(which would listen on every interface\)"),
    ("  ", r"got '  ' \(which would listen on every interface\)"),
    ("localhost:8001", r"'localhost:8001': give the port with --port \(--host localhost "
                       r"--port 8001\)"),
    ("http://localhost", r"'http://localhost': give the host alone, without a scheme"),
    ("0.0.0.0/0", r"give the host alone, without a scheme or a path"),
    (" 127.0.0.1", r"' 127.0.0.1' is not an IP address or a host name"),
    ("my host", r"'my host' is not an IP address or a host name"),
    ("256.1.1.1", r"'256.1.1.1' is not an IP address \(IPv4: four numbers 0-255"),
])
def test_a_host_that_is_not_one_is_refused_naming_the_flag(capsys, tmp_path, never_serve,
                                                            host, says):
    code, err = _run(capsys, "serve", "--registry", str(tmp_path), "--host", host)
    assert code == 2
    assert "argument --host: " in err
    assert re.search(says, err), err
    assert "Traceback" not in err


def test_a_host_name_that_does_not_resolve_is_refused_before_the_model_loads(
        capsys, tmp_path, never_serve, monkeypatch):
    def no_such_name(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    code, err = _run(capsys, "serve", "--registry", str(tmp_path), "--host",
                     "shop-api.internal")
    assert code == 2
    # in the parser's form for a mistake of one option (round 165)
    assert err.startswith("recstack serve: error: argument --host: shop-api.internal: cannot "
                          "resolve it "
                          "(Name or service not known)"), err


@pytest.mark.parametrize(("given", "kept"), [
    ("127.0.0.1", "127.0.0.1"), ("0.0.0.0", "0.0.0.0"), ("localhost", "localhost"),
    ("::1", "::1"), ("[::1]", "::1"), ("api-1.example.org", "api-1.example.org"),
])
def test_addresses_and_names_are_still_taken(given, kept):
    assert cli._host(given) == kept


def test_a_port_another_process_listens_on_is_refused_before_the_model_loads(
        capsys, tmp_path, never_serve):
    # uvicorn logged the bind error after the model loaded and exited with status 3
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, err = _run(capsys, "serve", "--registry", str(tmp_path), "--host",
                         "127.0.0.1", "--port", str(port))
    assert code == 2
    assert err.startswith(f"recstack serve: error: argument --port: {port}: 127.0.0.1 port "
                          f"{port} is already in use (another service listens there); stop "
                          "it or choose another --port"), err


def test_an_address_of_another_machine_is_refused_naming_the_host(capsys, tmp_path,
                                                                 never_serve):
    # 192.0.2.1 is reserved for documentation (RFC 5737): never an address of this machine
    code, err = _run(capsys, "serve", "--registry", str(tmp_path), "--host", "192.0.2.1")
    assert code == 2
    assert err.startswith("recstack serve: error: argument --host: 192.0.2.1: not an address "
                          "of this machine"), err
