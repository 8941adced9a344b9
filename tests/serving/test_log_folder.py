"""A log folder the service cannot create is refused before serving, naming it (it was an
OSError traceback from the service's startup, exit status 3)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.errors import ConfigError  # noqa: E402
from recstack.serving.service import preflight  # noqa: E402
from tests.serving.service_helpers import client, publish, serve_refusal, settings  # noqa: E402


@pytest.fixture
def registry(tmp_path, als, train):
    return publish(tmp_path / "registry", als, train)


@pytest.fixture
def a_file(tmp_path):
    path = tmp_path / "a-file"
    path.write_text("not a folder")
    return path


@pytest.mark.parametrize("below", ["", "logs"])
def test_a_log_dir_under_a_file_is_refused_by_preflight_and_at_start(registry, a_file,
                                                                    below):
    log_dir = a_file / below if below else a_file
    expected = f"log folder {log_dir / 'requests'}: cannot be created \\(Not a directory\\)"
    with pytest.raises(ConfigError, match=expected):
        preflight(settings(registry, log_dir=str(log_dir)))
    with pytest.raises(ConfigError, match=expected):
        with client(settings(registry, log_dir=str(log_dir))):
            pass


def test_recstack_serve_with_an_unusable_log_dir_exits_2_naming_it(registry, a_file, capsys,
                                                                   monkeypatch):
    def started(*_args, **_kwargs):
        raise AssertionError("the server started")  # rather than block the test run

    monkeypatch.setattr("recstack.serving.app.serve", started)
    code = serve_refusal("--registry", registry.root, "--log-dir", str(a_file))
    err = capsys.readouterr().err
    assert code == 2
    assert f"log folder {a_file / 'requests'}: cannot be created" in err
    assert "Traceback" not in err


def test_a_log_dir_that_does_not_exist_yet_is_created(tmp_path, registry):
    log_dir = tmp_path / "new" / "logs"
    preflight(settings(registry, log_dir=str(log_dir)))
    assert (log_dir / "requests").is_dir() and (log_dir / "events").is_dir()
