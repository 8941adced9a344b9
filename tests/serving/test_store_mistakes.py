"""A local embedding store path that can never hold the store (a folder, a file that is
no SQLite database) is refused before serving, naming it; it used to be taken for an
outage, so the service started and fell back to the model's vectors on every request."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.errors import ConfigError  # noqa: E402
from recstack.serving.service import preflight  # noqa: E402
from tests.serving.service_helpers import publish, serve_refusal, settings  # noqa: E402


@pytest.fixture
def registry(tmp_path, popular, train):
    return publish(tmp_path / "registry", popular, train, name="pop")


def test_a_folder_given_as_the_store_is_refused_by_preflight(tmp_path, registry):
    folder = tmp_path / "vectors"
    folder.mkdir()
    for location in (str(folder), f"sqlite:///{folder}"):
        with pytest.raises(ConfigError, match=rf"embedding store {folder}: .*give store "
                           r"\(--store\) an SQLite file"):
            preflight(settings(registry, store=location))


def test_recstack_serve_with_a_store_that_is_no_database_exits_2(tmp_path, registry, capsys,
                                                                 monkeypatch):
    def started(*_args, **_kwargs):
        raise AssertionError("the server started")

    monkeypatch.setattr("recstack.serving.app.serve", started)
    not_sqlite = tmp_path / "vectors.db"
    not_sqlite.write_text("user,vector\n" * 50)
    code = serve_refusal("--registry", registry.root, "--store", str(not_sqlite))
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert f"embedding store {not_sqlite}: file is not a database" in err
