"""Thirteenth bad-input probe of ``recstack.serving.app.serve`` from Python: uvicorn took a
port above 65535 modulo 2**16 (``port=70000`` listened on port 4464 without a word), a
worker count of 0, a fraction or a thousand went to its process manager unchecked (a
thousand processes each loading the models), and an unknown log level was a KeyError
from uvicorn's logging setup. The command line checked its own flags; the function did
not."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.errors import ConfigError  # noqa: E402
from recstack.serving import app  # noqa: E402
from recstack.serving.settings import SETTINGS_ENV, ServiceSettings  # noqa: E402


@pytest.fixture
def started(monkeypatch):
    import uvicorn

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    monkeypatch.delenv(SETTINGS_ENV, raising=False)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(name, "1")
    return calls


SETTINGS = ServiceSettings.create(registry="models")


@pytest.mark.parametrize(("options", "expected"), [
    ({"port": 70000}, r"port must be a TCP port, a whole number from 1 to 65535, got 70000"),
    ({"port": 0}, r"port must be a TCP port, a whole number from 1 to 65535, got 0"),
    ({"port": "8000"}, r"port must be a TCP port, .*got '8000'"),
    ({"port": True}, r"port must be a TCP port, .*got True"),
    ({"workers": 0}, r"workers must be a whole number from 1 to 256 .*got 0"),
    ({"workers": 1000}, r"workers must be a whole number from 1 to 256 .*got 1000"),
    ({"workers": 2.5}, r"workers must be a whole number from 1 to 256 .*got 2\.5"),
    ({"log_level": "verbose"}, r"log_level must be one of critical, error, warning, info, "
                               r"debug, trace, got 'verbose'"),
])
def test_a_bad_server_option_is_refused_before_uvicorn_starts(started, options, expected):
    import os

    with pytest.raises(ConfigError, match=r"^serve: " + expected):
        app.serve(SETTINGS, **options)
    assert started == []
    assert SETTINGS_ENV not in os.environ  # nothing was set up for workers either


def test_settings_that_are_not_service_settings_are_named(started):
    with pytest.raises(ConfigError, match=r"serve: settings must be ServiceSettings "
                                          r"\(ServiceSettings.create\(registry=\.\.\.\)\), "
                                          r"got dict"):
        app.serve({"registry": "models"})  # type: ignore[arg-type]
    assert started == []


def test_good_options_reach_uvicorn_as_given(started):
    import numpy as np

    app.serve(SETTINGS, port=np.int64(8123), workers=2, log_level="warning")
    assert len(started) == 1
    assert (started[0]["port"], started[0]["workers"], started[0]["log_level"]) == \
        (8123, 2, "warning")
    assert type(started[0]["port"]) is int


def test_the_command_line_refuses_too_many_workers_before_loading_anything(tmp_path, capsys,
                                                                        started):
    # the flag took any positive number: 1000 loaded the registry, printed "serving ..."
    # and only then failed (with the check above) or started a thousand processes
    from recstack.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["serve", "--registry", str(tmp_path / "none"), "--model", "als",
              "--workers", "1000"])
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert "argument --workers: must be a worker count, 1..256, got 1000" in err
    assert "serving" not in err and started == []
