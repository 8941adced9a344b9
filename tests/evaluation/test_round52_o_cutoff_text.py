"""An experiment file's ks written as text is told the list to write, and a cut-off too
large to read is shown as the file writes it, not as inf."""

from __future__ import annotations

import pytest

from recstack.config import load_experiment
from recstack.errors import ConfigError

HEAD = ('name = "x"\n[data]\nsource = "synthetic"\n[split]\nmethod = "random"\n'
        '[[models]]\ntype = "most_popular"\n[evaluation]\n')


def _refusal(tmp_path, line: str) -> str:
    path = tmp_path / "experiment.toml"
    path.write_text(HEAD + line + "\n")
    with pytest.raises(ConfigError) as caught:
        load_experiment(path)
    return str(caught.value)


@pytest.mark.parametrize("line, suggested", [
    ('ks = "5"', "ks = [5]"), ('ks = "5, 10"', "ks = [5, 10]"),
    ('ks = "[5 20]"', "ks = [5, 20]")])
def test_ks_written_as_text_is_told_the_list(tmp_path, line, suggested):
    message = _refusal(tmp_path, line)
    assert f"[evaluation] {line}:" in message
    assert message.endswith(suggested)


@pytest.mark.parametrize("line", ["ks = [1e400]", "ks = [10, -1e400]"])
def test_a_cut_off_beyond_the_float_range_is_shown_as_written(tmp_path, line):
    message = _refusal(tmp_path, line)
    assert f"[evaluation] {line}:" in message
    assert "inf]" not in message


def test_other_settings_show_an_overflowed_number_as_written(tmp_path):
    assert "relevance_threshold = 1e400: must be a finite number" in _refusal(
        tmp_path, "relevance_threshold = 1e400")


def test_text_that_is_no_list_of_numbers_gets_no_suggested_list(tmp_path):
    message = _refusal(tmp_path, 'ks = "ten"')
    assert "ks = [" not in message
