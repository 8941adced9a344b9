"""``poll_seconds`` and ``log_rotate_seconds`` pace loops that run for the service's life;
any value above 0 was taken, so ``--poll-seconds 1e-9`` (milliseconds meant, or a typo)
started a service that read the registry without pause."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.serving.settings import ServiceSettings


@pytest.mark.parametrize("field", ["poll_seconds", "log_rotate_seconds"])
@pytest.mark.parametrize("value", [1e-9, 0.001, 0.099])
def test_an_interval_below_a_tenth_of_a_second_is_refused(field, value):
    with pytest.raises(ConfigError, match=rf"field '{field}': {value:g} s is below the "
                                          r"shortest interval, 0\.1 s.*not milliseconds"):
        ServiceSettings.create(registry="models", **{field: value})


@pytest.mark.parametrize("field", ["poll_seconds", "log_rotate_seconds"])
def test_a_tenth_of_a_second_and_more_are_kept(field):
    for value in (0.1, 2.5, 3600):
        assert getattr(ServiceSettings.create(registry="models", **{field: value}),
                       field) == value


def test_serve_flag_below_the_floor_exits_with_one_line(capsys):
    from tests.serving.service_helpers import serve_refusal

    assert serve_refusal("--registry", "models", "--poll-seconds", "0.001") == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "poll_seconds': 0.001 s is below the shortest interval" in err


@pytest.mark.parametrize("text", ['{"default_k": 5}', '[1]', ' {bad'])
def test_config_given_json_text_says_it_takes_a_file(capsys, text):
    from tests.serving.service_helpers import serve_refusal

    assert serve_refusal("--registry", "models", "--config", text) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "is JSON text, but --config takes the path of a JSON file of settings" in err
