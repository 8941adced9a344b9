"""Hundred-thirty-ninth probe: ``Service.start`` called from Python (without
``preflight``, which ``recstack serve`` runs first) took a mistake of its settings for a
failure of the version: an items file whose ids are of the other id kind than the model's
was logged as a failed reload, every earlier version was tried (each failing the same
way), and the start said "no version of als loads". A mistake of the settings is now
raised at once, naming the file, as preflight names it, and no version is marked failed."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.errors import ConfigError  # noqa: E402
from recstack.serving.service import Service  # noqa: E402
from recstack.serving.telemetry import ServiceMetrics  # noqa: E402
from tests.serving.service_helpers import publish, settings  # noqa: E402


def _items(path, ids):
    pd.DataFrame({"item_id": ids, "title": [f"film {i}" for i in ids]}).to_csv(path,
                                                                               index=False)
    return path


def test_an_items_file_of_another_id_kind_is_named_by_start(tmp_path, caplog, als, train):
    registry = publish(tmp_path / "registry", als, train)
    registry.publish("als", als, data=train)  # an earlier version to fall back on: als@1
    path = _items(tmp_path / "items.csv", [f"i{i}" for i in als.items_.external_ids.tolist()])
    service = Service(settings(registry, items_file=str(path)), ServiceMetrics())
    with caplog.at_level(logging.WARNING, logger="recstack.serving.service"), \
            pytest.raises(ConfigError) as caught:
        service.start()
    message = str(caught.value)
    count = len(als.items_.external_ids)
    assert message.startswith(f"{path}: none of its {count} titled item ids is an item of "
                              "als@2")
    assert "no version" not in message
    # nothing was said of a reload, nor was a version marked as the one that failed
    assert not [r for r in caplog.records if "reload failed" in r.getMessage()]
    assert service.last_reload_error is None
    assert service.metrics.reload_failing._value.get() == 0


def test_a_damaged_newest_version_still_falls_back(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    registry.publish("als", als, data=train)
    manifest = tmp_path / "registry" / "als" / "versions" / "00000002" / "manifest.json"
    manifest.write_text("{damaged")
    path = _items(tmp_path / "items.csv", als.items_.external_ids.tolist())
    service = Service(settings(registry, items_file=str(path)), ServiceMetrics())
    service.start()
    try:
        assert [slot.loaded.reference for slot in service.slots] == ["als@1"]
    finally:
        service.close()


@pytest.fixture(scope="module")
def started(tmp_path_factory, als, train):
    registry = publish(tmp_path_factory.mktemp("started") / "registry", als, train)
    service = Service(settings(registry), ServiceMetrics())
    service.start()
    yield service
    service.close()


HUGE = 10**5000


@pytest.mark.parametrize("sign", [1, -1])
def test_python_counts_of_thousands_of_digits_are_refused_by_name(started, user, item, sign):
    # they were Python's raw "Exceeds the limit (4300 digits)" ValueError
    from recstack.serving.service import RequestLimitError

    what = ("k: Input should be a whole number from 1 to 100 (this service's max_k), not a "
            "number of 5,001 digits")
    for call in (lambda: started.recommend_user(user, sign * HUGE),
                 lambda: started.recommend_new([item], sign * HUGE),
                 lambda: started.similar(item, sign * HUGE)):
        with pytest.raises(RequestLimitError) as caught:
            call()
        assert str(caught.value) == what
    if sign < 0:
        with pytest.raises(RequestLimitError, match="^limit: Input should be a whole number "
                           "from 1 to 1000, not a number of 5,001 digits$"):
            started.history(user, -HUGE)


@pytest.mark.parametrize("sign", [1, -1])
def test_python_ids_and_times_of_thousands_of_digits_are_refused_by_name(started, item, sign):
    from recstack.serving.service import InvalidContextError, RequestLimitError

    with pytest.raises(RequestLimitError, match="^user_id: the id is a 5,001-digit integer, "
                       "too long to be an id$"):
        started.recommend_user(sign * HUGE, 3)
    with pytest.raises(RequestLimitError, match=r"^items\[0\]: the id is a 5,001-digit"):
        started.recommend_new([sign * HUGE], 3)
    with pytest.raises(InvalidContextError, match="^timestamp: .*a 5,001-digit integer is past "
                       "the range of numbers"):
        started.recommend_new([item], 3, timestamp=sign * HUGE)
