"""`recstack serve` flags that contradict each other: polling for new versions while every
model served is pinned to one (eightieth probe)."""
from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.cli import main  # noqa: E402
from recstack.errors import ConfigError  # noqa: E402
from recstack.serving.settings import ServiceSettings  # noqa: E402
from tests.serving.service_helpers import free_port, publish  # noqa: E402


@pytest.fixture(scope="module")
def registry(tmp_path_factory, popular, train):
    return publish(tmp_path_factory.mktemp("eightieth_serve") / "registry", popular, train,
                   name="pop")


@pytest.fixture
def not_started(monkeypatch):
    def started(*_args, **_kwargs):
        raise AssertionError("the server started")

    monkeypatch.setattr("recstack.serving.app.serve", started)


@pytest.mark.parametrize("options", [
    ["--model", "pop@1"],
    ["--variant", "a=pop@1:0.5", "--variant", "b=pop@1:0.5"],
])
def test_polling_with_every_model_pinned_is_refused(registry, not_started, capsys, options):
    code = main(["serve", "--registry", str(registry.root), "--port", str(free_port()),
                 *options, "--poll-seconds", "5"])
    err = capsys.readouterr().err
    assert code != 0
    assert len(err.strip().splitlines()) == 1
    assert "poll_seconds (5) follows newly published versions, but every model served is " \
           "pinned to a version (pop@1" in err


@pytest.mark.parametrize("values", [
    {"model": "pop"},
    {"variants": [{"name": "a", "model": "pop@1", "share": 0.5},
                  {"name": "b", "model": "pop", "share": 0.5}]},
    {},
])
def test_polling_with_a_model_that_follows_its_current_version_is_accepted(values):
    assert ServiceSettings.create(registry="reg", poll_seconds=5, **values).poll_seconds == 5


def test_the_settings_refuse_it_too():
    with pytest.raises(ConfigError, match=r"every model served is pinned .*\(pop@2\)"):
        ServiceSettings.create(registry="reg", model="pop@2", poll_seconds=1)
