"""Forty-eighth probe: ``serve`` keeps an ``OMP_NUM_THREADS`` (``OPENBLAS_NUM_THREADS``,
``MKL_NUM_THREADS``) that is already set; one set to what is no thread count is refused
before uvicorn starts, naming the variable (it was passed on to every worker, which each
library read its own way)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")
uvicorn = pytest.importorskip("uvicorn")

from recstack.errors import ConfigError  # noqa: E402
from recstack.serving import app  # noqa: E402
from recstack.serving.settings import SETTINGS_ENV, ServiceSettings  # noqa: E402

VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@pytest.fixture
def started(monkeypatch):
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append((a, k)))
    # set, then removed: the monkeypatch restores each as it was (serve sets them)
    for name in (*VARIABLES, SETTINGS_ENV):
        monkeypatch.setenv(name, "1")
        monkeypatch.delenv(name)
    return calls


@pytest.mark.parametrize("name", VARIABLES)
@pytest.mark.parametrize("value", ["", " ", "four", "0", "-1", "2.5", "+2", "٣", "4,", "1e3"])
def test_a_variable_that_is_no_thread_count_is_refused(tmp_path, monkeypatch, started,
                                                       name, value):
    monkeypatch.setenv(name, value)
    settings = ServiceSettings.create(registry=str(tmp_path))
    with pytest.raises(ConfigError) as error:
        app.serve(settings)
    message = str(error.value)
    assert message.startswith(f"serve: the environment variable {name}={value!r} is not a "
                              "thread count; set it to a whole number of at least 1")
    assert "unset it" in message
    assert started == []  # uvicorn never started


@pytest.mark.parametrize(("name", "value"), [
    ("OMP_NUM_THREADS", "4"), ("OMP_NUM_THREADS", "4,2"), ("OPENBLAS_NUM_THREADS", "1"),
    ("MKL_NUM_THREADS", "16"),
])
def test_a_valid_count_is_kept(tmp_path, monkeypatch, started, name, value):
    import os

    monkeypatch.setenv(name, value)
    app.serve(ServiceSettings.create(registry=str(tmp_path), compute_threads=3))
    assert len(started) == 1
    assert os.environ[name] == value
    assert all(os.environ[other] == "3" for other in VARIABLES if other != name)


def test_the_cli_exits_with_one_line_naming_the_variable(tmp_path, monkeypatch, started,
                                                         als, train, capsys):
    from recstack.cli import main
    from tests.serving.service_helpers import free_port, publish

    registry = publish(tmp_path / "registry", als, train)
    monkeypatch.setenv("OMP_NUM_THREADS", "four")
    code = main(["serve", "--registry", str(registry.root), "--port", str(free_port())])
    assert code != 0
    err = capsys.readouterr().err
    assert "OMP_NUM_THREADS='four' is not a thread count" in err
    assert "Traceback" not in err and started == []
    # refused by the preflight, before the service says it is serving: one line
    assert "serving " not in err and len(err.strip().splitlines()) == 1, err
