"""Ninety-second bad-input probe, model labels: two ``[[models]]`` labels differing only in
case ('most_popular' and 'Most_Popular') were accepted, and the results name files by label
(``models/LABEL``, ``per_user_LABEL.csv``), which a case-insensitive file system (macOS,
Windows) takes for one file: one model's results replaced the other's. Refused as the
registry refuses such model names. The test failed before its fix."""

from __future__ import annotations

import pytest

from recstack.config import load_experiment
from recstack.errors import ConfigError

HEAD = '[data]\nsource = "synthetic"\n[split]\nmethod = "random"\n'


def test_labels_differing_only_in_case_are_refused(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text(HEAD + '[[models]]\ntype = "most_popular"\n[[models]]\n'
                           'type = "most_popular"\nlabel = "Most_Popular"\n')
    with pytest.raises(ConfigError) as caught:
        load_experiment(path)
    assert str(caught.value) == (
        f'{path}: [[models]] #2 label: "Most_Popular" differs only in case from '
        '"most_popular", already a label; the results name files by label, which a '
        "case-insensitive file system (macOS, Windows) takes for one file; choose labels "
        "that differ in more than case")


def test_labels_differing_in_more_than_case_are_kept(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text(HEAD + '[[models]]\ntype = "most_popular"\n[[models]]\n'
                           'type = "most_popular"\nlabel = "Most_Popular_30"\n'
                           "half_life_days = 30\n")
    assert [m.label for m in load_experiment(path).models] == ["most_popular",
                                                               "Most_Popular_30"]
