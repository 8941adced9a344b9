"""Thirteenth bad-input probe of the service's settings: NaN in a float setting (a JSON
``NaN`` in --config or in the workers' environment, ``--variant a=als:nan``) was refused
with the message of a bound it does not break ("Input should be less than or equal to
3600"), sending the user to look for a value that was too large."""

from __future__ import annotations

import json

import pytest

from recstack.errors import ConfigError
from recstack.serving.settings import (
    SETTINGS_ENV,
    ServiceSettings,
    settings_from_env,
    settings_from_options,
)

FLOATS = ["store_retry_seconds", "log_rotate_seconds", "poll_seconds"]


@pytest.mark.parametrize("field", FLOATS)
@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_a_float_setting_that_is_not_finite_is_named_as_such(field, value):
    with pytest.raises(ConfigError) as caught:
        ServiceSettings.create(registry="models", **{field: value})
    message = str(caught.value)
    assert f"field {field!r}: Input should be a finite number" in message
    assert "less than" not in message and "greater than" not in message


@pytest.mark.parametrize("field", FLOATS)
def test_nan_in_the_workers_environment_is_named_as_such(field, monkeypatch):
    monkeypatch.setenv(SETTINGS_ENV, f'{{"registry": "models", "{field}": NaN}}')
    with pytest.raises(ConfigError, match=rf"field '{field}': Input should be a finite "
                                          "number"):
        settings_from_env()


def test_a_variant_share_of_nan_is_named_as_such(tmp_path):
    with pytest.raises(ConfigError) as caught:
        settings_from_options(None, registry="models",
                              variants=["a=als:nan", "b=als:0.5"])
    message = str(caught.value)
    assert "field 'variants.0.share': Input should be a finite number" in message
    assert "less than or equal to 1" not in message
    config = tmp_path / "serve.json"
    config.write_text('{"registry": "models", "variants": [{"name": "a", "model": "als", '
                      '"share": NaN}, {"name": "b", "model": "als", "share": 0.5}]}')
    with pytest.raises(ConfigError, match=r"'variants\.0\.share': Input should be a finite"):
        settings_from_options(config)


def test_finite_values_still_pass():
    settings = ServiceSettings.create(registry="models", store_retry_seconds=0,
                                      log_rotate_seconds=0.5, poll_seconds=3600)
    assert json.loads(settings.to_json())["poll_seconds"] == 3600
