"""Round 54 (J): starting the service from Python and from `recstack serve` on a registry
that holds the wrong things, the items file's path mistakes, and the settings' bounds."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from recstack.data.side_table import read_side_table
from recstack.errors import ConfigError, DataFormatError
from recstack.serving.registry import ModelRegistry
from recstack.serving.service import Service, preflight
from recstack.serving.settings import ServiceSettings, settings_from_options


def _registry(root: Path, model, train, versions: int = 1) -> ModelRegistry:
    registry = ModelRegistry(root)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(versions):
            registry.publish("als", model, data=train)
    return registry


def _cut_model_files(root: Path, versions: list[int]) -> None:
    for version in versions:
        arrays = root / "als" / "versions" / f"{version:08d}" / "model" / "arrays.npz"
        arrays.write_bytes(arrays.read_bytes()[:100])


# ------------------------------------------------------------------ Service from Python
def test_a_service_built_without_metrics_serves_with_counters_of_its_own(tmp_path, als,
                                                                        train, user):
    registry = _registry(tmp_path / "models", als, train)
    settings = ServiceSettings.create(registry=str(registry.root))
    first, second = Service(settings), Service(settings)
    first.start()
    second.start()
    try:
        served = first.recommend_user(user, 5)
        assert served.model == "als@1"
        assert len(served.item_ids) == 5
        first.metrics.reloads.labels("ok").inc()
        # each default set is its own Prometheus registry: no counter is shared
        assert first.metrics.registry is not second.metrics.registry
        assert first.metrics.registry.get_sample_value(
            "recstack_reloads_total", {"outcome": "ok"}) == 1.0
        assert second.metrics.registry.get_sample_value(
            "recstack_reloads_total", {"outcome": "ok"}) in (None, 0.0)
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize(("given", "example"), [
    ({"registry": "models/"}, "ServiceSettings.create(**settings)"),
    ("models/", "ServiceSettings.create(registry='models/')"),
    (None, "ServiceSettings.create(registry='models/')"),
])
def test_settings_that_are_no_service_settings_are_refused_with_how_to_build_them(given,
                                                                                  example):
    with pytest.raises(ConfigError, match=r"^Service: settings must be a ServiceSettings, "
                                          r"e\.g\. " + example.replace("(", r"\(")
                                          .replace(")", r"\)").replace("*", r"\*")):
        Service(given)  # type: ignore[arg-type]


def test_metrics_of_another_kind_are_refused(tmp_path):
    settings = ServiceSettings.create(registry=str(tmp_path / "models"))
    with pytest.raises(ConfigError, match=r"^Service: metrics must be a ServiceMetrics .*, "
                                          r"got str 'metrics'$"):
        Service(settings, "metrics")  # type: ignore[arg-type]


# ------------------------------------------------------------------ the start
def test_an_unknown_model_name_is_refused_at_the_start_as_serve_refuses_it(tmp_path, als,
                                                                          train):
    registry = _registry(tmp_path / "models", als, train)
    service = Service(ServiceSettings.create(registry=str(registry.root), model="alss"))
    with pytest.raises(ConfigError) as refused:
        service.start()
    assert str(refused.value) == (f"{registry.root}: no model named 'alss' (did you mean "
                                  "'als'?) (names: als)")


def test_a_pinned_version_the_registry_lacks_is_a_settings_mistake(tmp_path, als, train):
    registry = _registry(tmp_path / "models", als, train, versions=2)
    service = Service(ServiceSettings.create(registry=str(registry.root), model="als@7"))
    with pytest.raises(ConfigError) as refused:
        service.start()
    assert str(refused.value) == f"{registry.root}: als@7 does not exist (versions: [1, 2])"


def test_when_no_version_loads_the_error_names_each_versions_damage(tmp_path, als, train):
    registry = _registry(tmp_path / "models", als, train, versions=2)
    _cut_model_files(tmp_path / "models", [1, 2])
    service = Service(ServiceSettings.create(registry=str(registry.root)))
    with pytest.raises(Exception) as refused:
        service.start()
    message = str(refused.value)
    assert message.startswith(f"{registry.root}: no version of als loads (als@2/model/"
                              "arrays.npz: checksum mismatch (100 bytes")
    # the older version's own damage, which was left unsaid
    assert "; als@1/model/arrays.npz: checksum mismatch (100 bytes" in message
    assert "still serving" not in message


def test_serve_refuses_a_registry_of_no_loadable_version_before_a_server_starts(tmp_path,
                                                                               als, train):
    registry = _registry(tmp_path / "models", als, train, versions=2)
    _cut_model_files(tmp_path / "models", [1, 2])
    # preflight is what `recstack serve` runs before uvicorn: it passed, and the start-up
    # then failed after uvicorn's own lines
    with pytest.raises(Exception, match=r"no version of als loads \(als@2/.*; als@1/"):
        preflight(ServiceSettings.create(registry=str(registry.root)))


def test_a_damaged_current_version_still_falls_back_at_the_start_and_in_preflight(
        tmp_path, als, train):
    registry = _registry(tmp_path / "models", als, train, versions=2)
    _cut_model_files(tmp_path / "models", [2])
    settings = ServiceSettings.create(registry=str(registry.root))
    preflight(settings)  # no error: als@1 loads
    service = Service(settings)
    service.start()
    try:
        assert service.slots[0].loaded is not None
        assert service.slots[0].loaded.reference == "als@1"
        assert service.last_reload_error is not None
        assert "als@2/model/arrays.npz: checksum mismatch" in service.last_reload_error
        # /health's reason said "(still serving nothing yet)" while als@1 served
        assert service.last_reload_error.endswith("(serving als@1 instead)")
        assert service.health()["last_reload_error"] == service.last_reload_error
    finally:
        service.close()


# ------------------------------------------------------------------ the items file
@pytest.mark.parametrize("name", ["nowhere.csv", "folder", "items.json"])
def test_an_items_path_that_is_no_table_is_a_data_format_error_naming_the_file(tmp_path,
                                                                              name):
    (tmp_path / "folder").mkdir()
    (tmp_path / "items.json").write_text('[{"item_id": 1, "title": "a"}]')
    path = tmp_path / name
    with pytest.raises(DataFormatError) as refused:
        read_side_table(path, columns=["title"])
    assert refused.value.file == str(path)


@pytest.mark.parametrize(("name", "advice"), [
    ("items.json", "; convert it, e.g. pandas.read_json({path!r}).to_parquet('items.parquet')"),
    ("items.jsonl", "; convert it, e.g. pandas.read_json({path!r}, lines=True)"
                    ".to_parquet('items.parquet')"),
    ("items.tsv", "; save it as CSV, e.g. pandas.read_csv({path!r}, sep='\\t')"
                  ".to_csv('items.csv', index=False)"),
    ("items.csv.gz", "; decompress it first (a side table is read uncompressed)"),
])
def test_an_items_file_of_another_kind_is_told_how_to_become_one_read(tmp_path, name,
                                                                      advice):
    path = tmp_path / name
    path.write_text("item_id\ttitle\n1\tAlien\n")
    with pytest.raises(DataFormatError) as refused:
        read_side_table(path, columns=["title"])
    assert str(refused.value) == (f"{path}: the items file must be a .csv or .parquet file"
                                  + advice.format(path=str(path)))


def test_each_missing_column_of_the_items_file_gets_its_near_name(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("Item_ID,Title\n1,Alien\n")
    with pytest.raises(DataFormatError) as refused:
        read_side_table(path, columns=["title"])
    assert str(refused.value) == (f"{path}: the items file needs the column(s) 'item_id' "
                                  "(did you mean 'Item_ID'?), 'title' (did you mean "
                                  "'Title'?); it has 'Item_ID', 'Title'")


def test_a_service_on_a_missing_items_file_says_data_format_error(tmp_path, als, train):
    registry = _registry(tmp_path / "models", als, train)
    settings = ServiceSettings.create(registry=str(registry.root),
                                      items_file=str(tmp_path / "items.csv"))
    with pytest.raises(DataFormatError, match=r"items\.csv: no such items file$"):
        Service(settings)


# ------------------------------------------------------------------ the settings file
@pytest.mark.parametrize(("setting", "value", "said"), [
    ("max_body_bytes", 1023, "give a whole number at least 1024 and at most 1,048,576"),
    ("log_rotate_rows", 0, "give a whole number at least 1 and at most 10,000,000"),
    ("candidates", 10_001, "give a whole number at least 1 and at most 10,000"),
])
def test_a_setting_past_its_bounds_states_them_as_written(tmp_path, setting, value, said):
    config = tmp_path / "serve.json"
    config.write_text(json.dumps({"registry": "models", setting: value}))
    with pytest.raises(ConfigError) as refused:
        settings_from_options(config)
    assert f"({said}), got {value}" in str(refused.value)


@pytest.mark.parametrize(("value", "said"), [
    ('"5"', "the text '5' is not a number"), ("true", "true is not a number")])
def test_a_number_setting_written_otherwise_names_the_settings_file(tmp_path, value, said):
    config = tmp_path / "serve.json"
    config.write_text('{"registry": "models", "max_k": ' + value + "}")
    with pytest.raises(ConfigError) as refused:
        settings_from_options(config)
    assert str(refused.value).startswith(f"serve settings: --config {config}: field "
                                         f"'max_k': {said}")
