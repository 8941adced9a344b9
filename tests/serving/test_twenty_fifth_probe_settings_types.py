"""Twenty-fifth bad-input probe of the service's settings (``recstack serve --config``): a
value of the wrong JSON type was refused in pydantic's terms, naming Python's types
("Input is not a valid path for <class 'pathlib.Path'>", "Input should be a valid
dictionary or instance of VariantSettings"), and no message said what the file held."""

from __future__ import annotations

import json

import pytest

from recstack.cli import main
from recstack.errors import ConfigError
from recstack.serving.settings import ServiceSettings


@pytest.mark.parametrize(("values", "message"), [
    ({"log_dir": 5}, "field 'log_dir': Input should be a path (text), got 5"),
    ({"items_file": ["items.csv"]},
     "field 'items_file': Input should be a path (text), got [\"items.csv\"]"),
    ({"variants": [["control", "als", 0.5], ["test", "als", 0.5]]},
     'field \'variants.0\': Input should be an object such as {"name": "control", '
     '"model": "als", "share": 0.5}, got ["control", "als", 0.5]; field \'variants.1\': '
     'Input should be an object such as {"name": "control", "model": "als", "share": '
     '0.5}, got ["test", "als", 0.5]'),
    ({"variants": "control=als:1"},
     "field 'variants': Input should be a valid list, got \"control=als:1\""),
    ({"max_k": None}, "field 'max_k': Input should be a valid integer, got null"),
    ({"store": 5}, "field 'store': Input should be a valid string, got 5"),
])
def test_a_setting_of_the_wrong_type_says_what_it_should_be_and_was(values, message):
    with pytest.raises(ConfigError) as raised:
        ServiceSettings.create(registry="models", **values)
    assert str(raised.value) == f"serve settings: {message}"


def test_the_cli_says_it_in_one_line(tmp_path, capsys):
    config = tmp_path / "serve.json"
    config.write_text(json.dumps({"log_dir": {"path": "logs"}}), encoding="utf-8")
    assert main(["serve", "--registry", str(tmp_path), "--config", str(config)]) == 2
    error = capsys.readouterr().err.strip()
    # the field's part names the file its value came from (since the twenty-ninth probe)
    assert error == (f"recstack: error: serve settings: --config {config}: field 'log_dir': "
                     "Input should be a "
                     'path (text), got {"path": "logs"}')
    # the value given is shown for every field but the admin token
    with pytest.raises(ConfigError) as raised:
        ServiceSettings.create(registry="models", admin_token=["s3cret" * 8])
    assert "s3cret" not in str(raised.value)
