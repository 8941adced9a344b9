"""Hundred-thirty-third probe: ``recstack serve --items FILE`` checked the items file
against the model only in the server's start-up: a file whose ids are of the other id kind
than the model's (``i0`` for the integer items ``0``) was refused after uvicorn's start-up
lines, as "no version of als loads", once every earlier version had been tried. The version
to serve is now made ready before the server starts, so such a file is one line and a
non-zero exit. Rows of an items file for items the model does not know were ignored without
a word: they are now noted once, with their count and an example."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.serving import service as service_module  # noqa: E402
from recstack.serving.service import Service, preflight  # noqa: E402
from recstack.serving.telemetry import ServiceMetrics  # noqa: E402
from tests.serving.service_helpers import publish, serve_refusal, settings  # noqa: E402


@pytest.fixture
def no_server(monkeypatch):
    def started(*_args, **_kwargs):
        raise AssertionError("the server started")

    monkeypatch.setattr("recstack.serving.app.serve", started)


@pytest.fixture(autouse=True)
def fresh_notes(monkeypatch):
    monkeypatch.setattr(service_module, "_NOTED_UNKNOWN_TITLES", set())


def _items(path, ids):
    pd.DataFrame({"item_id": ids, "title": [f"film {i}" for i in ids]}).to_csv(path,
                                                                               index=False)
    return path


def test_an_items_file_of_the_other_id_kind_is_refused_before_the_server_starts(
        tmp_path, capsys, no_server, als, train):
    registry = publish(tmp_path / "registry", als, train)
    ids = [f"i{i}" for i in als.items_.external_ids.tolist()]
    path = _items(tmp_path / "items.csv", ids)
    code = serve_refusal("--registry", registry.root, "--items", str(path))
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"recstack: error: {path}: none of its {len(ids)} titled item ids "
                          "is an item of als@1 (the file has 'i0', 'i1', 'i2', ...; the model "
                          "'0', '1', '2', ...)")
    assert "no version" not in err and "serving " not in err


def test_a_pinned_version_is_checked_too(tmp_path, capsys, no_server, als, train):
    registry = publish(tmp_path / "registry", als, train)
    path = _items(tmp_path / "items.csv", ["x", "y"])
    code = serve_refusal("--registry", registry.root, "--model", "als@1", "--items",
                         str(path))
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "none of its 2 titled item ids is an item of als@1" in err


def test_preflight_refuses_it_from_python(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    path = _items(tmp_path / "items.csv", ["x", "y"])
    with pytest.raises(ValueError, match="none of its 2 titled item ids is an item of als@1"):
        preflight(settings(registry, items_file=str(path)))


def test_items_the_model_does_not_know_are_noted_once(tmp_path, caplog, als, train):
    registry = publish(tmp_path / "registry", als, train)
    known = als.items_.external_ids.tolist()
    unknown = [10_000, 10_001, 10_002, 10_003]
    path = _items(tmp_path / "items.csv", known + unknown)
    chosen = settings(registry, items_file=str(path))
    with caplog.at_level(logging.WARNING, logger="recstack.serving.service"):
        preflight(chosen)
        service = Service(chosen, ServiceMetrics())
        service.start()
        service.close()
    notes = [r.getMessage() for r in caplog.records if "of als@1 and" in r.getMessage()]
    assert notes == [f"{path}: 4 of its {len(known) + 4} titled items are not items of "
                     "als@1 and are ignored ('10000', '10001', '10002', ...)"]


def test_an_items_file_of_the_models_catalog_gives_no_note(tmp_path, caplog, als, train):
    registry = publish(tmp_path / "registry", als, train)
    path = _items(tmp_path / "items.csv", als.items_.external_ids.tolist()[:5])
    with caplog.at_level(logging.WARNING, logger="recstack.serving.service"):
        preflight(settings(registry, items_file=str(path)))
    assert not [r for r in caplog.records if "of als@1 and" in r.getMessage()]


def test_one_unknown_item_is_noted_in_the_singular(tmp_path, caplog, als, train):
    registry = publish(tmp_path / "registry", als, train)
    known = als.items_.external_ids.tolist()[:5]
    path = _items(tmp_path / "items.csv", [*known, 10_000])
    with caplog.at_level(logging.WARNING, logger="recstack.serving.service"):
        preflight(settings(registry, items_file=str(path)))
    notes = [r.getMessage() for r in caplog.records if "of als@1" in r.getMessage()]
    assert notes == [f"{path}: 1 of its 6 titled items is not an item of als@1 and is "
                     "ignored ('10000')"]
