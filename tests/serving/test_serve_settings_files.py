"""``recstack serve --config`` and its settings: every mistake is one line naming the
file or field, exit status 2, never a traceback, never a setting silently read as
something else (``true`` as 1, an empty path as the working folder, a key given twice as
its last value, a token no request can ever send)."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.cli import main  # noqa: E402
from recstack.errors import ConfigError  # noqa: E402
from recstack.serving.settings import ServiceSettings, settings_from_options  # noqa: E402

TOKEN = "t" * 40


def _refused(capsys, tmp_path, *flags) -> str:
    code = main(["serve", "--registry", str(tmp_path / "registry"), *map(str, flags)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and err.count("\n") == 1, err
    return err


@pytest.mark.parametrize(("name", "expected"), [
    ("missing.json", "no such file (looked at "),
    ("folder", "is a folder, not a file; give a JSON file of settings"),
])
def test_a_config_that_cannot_be_read_is_named(tmp_path, capsys, name, expected):
    (tmp_path / "folder").mkdir()
    config = tmp_path / name
    err = _refused(capsys, tmp_path, "--config", config)
    assert f"argument --config: {config}: {expected}" in err


def test_an_admin_token_file_that_cannot_be_read_is_named(tmp_path, capsys):
    token = tmp_path / "token"
    err = _refused(capsys, tmp_path, "--admin-token-file", token)
    assert (f"argument --admin-token-file: {token}: "
            f"no such file (looked at {token.absolute()})") in err


@pytest.mark.parametrize(("text", "expected"), [
    ('{"max_k": 5, "max_k": 500}', "the key 'max_k' is given twice in one object"),
    ("[" * 100_000 + "]" * 100_000, "not valid JSON (nested too deeply)"),  # RecursionError
    ("\udcff", "not UTF-8 text"),
])
def test_a_config_that_is_not_one_json_object_of_settings_is_named(tmp_path, text, expected):
    config = tmp_path / "serve.json"
    config.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(ConfigError, match=r"^--config .*serve\.json: ") as caught:
        settings_from_options(config, registry="models")
    assert expected in str(caught.value)


def test_a_toml_config_is_told_the_file_is_json(tmp_path):
    config = tmp_path / "serve.toml"
    config.write_text("max_k = 5\n")
    with pytest.raises(ConfigError, match="the settings file is JSON"):
        settings_from_options(config, registry="models")


def test_a_config_saved_with_a_byte_order_mark_is_read(tmp_path):
    config = tmp_path / "serve.json"
    config.write_text('{"max_k": 50}', encoding="utf-8-sig")
    assert settings_from_options(config, registry="models").max_k == 50


@pytest.mark.parametrize("values", [
    {"max_k": True}, {"log_keep_files": True}, {"store_retry_seconds": False},
    {"variants": [{"name": "a", "model": "als", "share": True}]},
])
def test_true_or_false_where_a_number_belongs_is_refused(values):
    # pydantic reads them as 1 and 0: one log file kept, or one arm given every user
    # a variant's field is named by its whole place (it read "field 'variants.0': field
    # 'share': ...")
    field = next(iter(values)) if "variants" not in values else r"variants\.0\.share"
    with pytest.raises(ConfigError, match=rf"field '{field}': (true|false) is not a number"):
        ServiceSettings.create(registry="models", **values)


@pytest.mark.parametrize("field", ["log_dir", "items_file", "store"])
def test_an_empty_path_is_refused_not_read_as_the_working_folder(field):
    with pytest.raises(ConfigError, match=rf"field '{field}': is empty; give a path"):
        ServiceSettings.create(registry="models", **{field: " "})


@pytest.mark.parametrize("model", ["", "../x", "als@0"])
def test_the_model_is_checked_like_a_variants_model(model):
    with pytest.raises(ConfigError, match=r"field 'model': "):
        ServiceSettings.create(registry="models", model=model)


@pytest.mark.parametrize(("token", "expected"), [
    (" " * 40, "at least 32 characters"),
    (TOKEN + " ", "begins or ends with whitespace"),
    ("é" * 40, "other than printable ASCII"),
    ("t" * 39 + "\n" + "t", "other than printable ASCII"),
])
def test_an_admin_token_no_request_could_send_is_refused(tmp_path, token, expected):
    config = tmp_path / "serve.json"
    config.write_text(json.dumps({"admin_token": token}))
    with pytest.raises(ConfigError, match=r"field 'admin_token': ") as caught:
        settings_from_options(config, registry="models")
    assert expected in str(caught.value)
    assert token.strip() not in str(caught.value) or not token.strip()  # never echoed
