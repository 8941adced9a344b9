"""A version that does not load falls back to an earlier one at the start, whatever the
class of its error: a ConfigError raised while loading the newest version (settings this
recstack refuses, written by an older one) stopped the start once the start began
re-raising the settings' own mistakes. Only a mistake of what the settings give a version
that loaded (the items file, the re-ranking chain) stops the start, since every version
would meet it."""

from __future__ import annotations

import pandas as pd
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.errors import ConfigError  # noqa: E402
from recstack.serving.registry import ModelRegistry  # noqa: E402
from recstack.serving.service import Service, SettingsMismatchError, preflight  # noqa: E402
from recstack.serving.telemetry import ServiceMetrics  # noqa: E402
from tests.serving.service_helpers import publish, settings  # noqa: E402


@pytest.fixture()
def refuse_newest(monkeypatch):
    """Called once both versions are published: from then on every registry refuses to
    load als@2 (the current version) with a ConfigError."""
    load = ModelRegistry.load

    def refusing(self, reference, *args, **kwargs):
        if reference in ("als", "als@2"):
            raise ConfigError("als: factors must be <= 65536, got 70000 (as written by "
                              "an older recstack)")
        return load(self, reference, *args, **kwargs)

    return lambda: monkeypatch.setattr(ModelRegistry, "load", refusing)


def test_a_version_refused_while_loading_falls_back_at_start(tmp_path, als, train,
                                                             refuse_newest):
    registry = publish(tmp_path / "registry", als, train)
    registry.publish("als", als, data=train)  # als@2, the newest
    refuse_newest()
    service = Service(settings(registry), ServiceMetrics())
    service.start()
    try:
        assert [slot.loaded.reference for slot in service.slots] == ["als@1"]
    finally:
        service.close()


def test_preflight_leaves_a_version_refused_while_loading_to_the_start(
        tmp_path, als, train, refuse_newest):
    registry = publish(tmp_path / "registry", als, train)
    registry.publish("als", als, data=train)
    refuse_newest()
    preflight(settings(registry))  # no error: the start serves als@1


def test_an_items_file_mistake_is_still_a_settings_mismatch(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    path = tmp_path / "items.csv"
    ids = [f"i{i}" for i in als.items_.external_ids.tolist()]
    pd.DataFrame({"item_id": ids, "title": ids}).to_csv(path, index=False)
    service = Service(settings(registry, items_file=str(path)), ServiceMetrics())
    with pytest.raises(SettingsMismatchError, match="titled item ids is an item of"):
        service.start()
