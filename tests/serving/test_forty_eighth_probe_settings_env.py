"""Forty-eighth probe: the settings ``serve`` hands its workers (``RECSTACK_SERVE_SETTINGS``)
are read as strictly as a ``--config`` file: a key given twice was taken last-wins, and a
number written as text (``"max_k": "5"``) was read as the number, on both paths."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.errors import ConfigError  # noqa: E402
from recstack.serving.settings import (  # noqa: E402
    SETTINGS_ENV,
    ServiceSettings,
    settings_from_env,
    settings_from_options,
)


def _both(tmp_path, monkeypatch, text):
    """The errors of the --config path and of the environment path for ``text``."""
    config = tmp_path / "serve.json"
    config.write_text(text)
    errors = []
    with pytest.raises(ConfigError) as from_file:
        settings_from_options(config)
    errors.append(str(from_file.value))
    monkeypatch.setenv(SETTINGS_ENV, text)
    with pytest.raises(ConfigError) as from_env:
        settings_from_env()
    errors.append(str(from_env.value))
    return errors


def test_a_key_given_twice_is_refused_on_both_paths(tmp_path, monkeypatch):
    text = f'{{"registry": "{tmp_path}", "max_k": 50, "max_k": 5}}'
    from_file, from_env = _both(tmp_path, monkeypatch, text)
    assert from_file.endswith("the key 'max_k' is given twice in one object; give it once")
    assert from_env == f"{SETTINGS_ENV}: the key 'max_k' is given twice in one object; give it once"


def test_a_key_given_twice_inside_a_variant_is_refused_too(tmp_path, monkeypatch):
    text = (f'{{"registry": "{tmp_path}", "variants": [{{"name": "a", "model": "als", '
            '"share": 1, "share": 0.5}]}')
    for error in _both(tmp_path, monkeypatch, text):
        assert "the key 'share' is given twice" in error


@pytest.mark.parametrize(("field", "value"), [
    ("max_k", "5"), ("default_k", "10"), ("log_rotate_seconds", "5"),
    ("compute_threads", "2"), ("log_keep_files", "3"), ("poll_seconds", "1.5"),
])
def test_a_number_written_as_text_is_refused_on_both_paths(tmp_path, monkeypatch, field,
                                                            value):
    text = json.dumps({"registry": str(tmp_path), field: value})
    for error in _both(tmp_path, monkeypatch, text):
        assert f"field {field!r}: the text {value!r} is not a number; write a number " \
               "without quotes" in error


def test_a_share_written_as_text_is_refused(tmp_path, monkeypatch):
    text = json.dumps({"registry": str(tmp_path),
                       "variants": [{"name": "a", "model": "als", "share": "1"}]})
    for error in _both(tmp_path, monkeypatch, text):
        # named by its whole place (it read "field 'variants.0': field 'share': ...")
        assert "field 'variants.0.share': the text '1' is not a number" in error


def test_the_environment_names_itself_when_not_json(monkeypatch):
    monkeypatch.setenv(SETTINGS_ENV, "{not json")
    with pytest.raises(ConfigError, match=f"^{SETTINGS_ENV}: not valid JSON"):
        settings_from_env()
    monkeypatch.setenv(SETTINGS_ENV, '[{"registry": "a", "registry": "b"}]')
    with pytest.raises(ConfigError, match=f"^{SETTINGS_ENV}: the key 'registry' is given twice"):
        settings_from_env()


def test_settings_round_trip_through_the_environment(tmp_path, monkeypatch):
    settings = ServiceSettings.create(registry=str(tmp_path), max_k=50, default_k=7,
                                      log_rotate_seconds=2.5, poll_seconds=3)
    monkeypatch.setenv(SETTINGS_ENV, settings.to_json())
    assert settings_from_env() == settings
