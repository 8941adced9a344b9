"""An embedding store location that can never work is the operator's mistake, refused
before serving; a store that is only down now is an outage, served around. (A misspelt
location used to start the service without its store, retried every few seconds.)"""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.errors import ConfigError  # noqa: E402
from recstack.serving.service import preflight  # noqa: E402
from tests.serving.service_helpers import client, publish, serve_refusal, settings  # noqa: E402

MISSPELT = ["nope://host/0", "http://localhost:6379/0"]


@pytest.fixture
def registry(tmp_path, als, train):
    return publish(tmp_path / "registry", als, train)


@pytest.mark.parametrize("store", MISSPELT)
def test_a_location_of_no_known_kind_is_refused_by_preflight_and_at_start(registry, store):
    with pytest.raises(ConfigError, match=f"embedding store '{store}': use a file path"):
        preflight(settings(registry, store=store))
    with pytest.raises(ConfigError, match=f"embedding store '{store}'"):
        with client(settings(registry, store=store)):
            pass


def test_recstack_serve_with_a_misspelt_store_exits_2_naming_it(registry, capsys,
                                                              monkeypatch):
    def started(*_args, **_kwargs):
        raise AssertionError("the server started")  # rather than block the test run

    monkeypatch.setattr("recstack.serving.app.serve", started)
    code = serve_refusal("--registry", registry.root, "--store", "nope://host/0")
    err = capsys.readouterr().err
    assert code == 2
    assert "embedding store 'nope://host/0'" in err and "Traceback" not in err


def test_a_store_that_cannot_be_opened_now_is_an_outage_and_the_model_serves(
        tmp_path, registry, als):
    # a folder that does not exist: SQLite cannot open the file (StoreUnavailableError)
    store = str(tmp_path / "no-such-folder" / "vectors.db")
    preflight(settings(registry, store=store))
    with client(settings(registry, store=store)) as http:
        user = str(als.users_.external_ids[0])
        answer = http.get(f"/users/{user}/recommendations?k=3")
        health = http.get("/health").json()
    assert answer.status_code == 200
    assert health["store"] == "unavailable" and health["status"] == "degraded"
