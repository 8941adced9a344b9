"""Hundred-fortieth probe of the declared specs and the experiment file's tables: a
misspelt field of a spec built from Python was Python's TypeError naming ``__init__()``
(the sources, the pipeline's and the evaluation's specs; the data helper had wrapped the
filters and splits alone); a spec's refusal wrote numpy's repr (``np.float64(3.0)``) and,
of an integer of thousands of digits, failed itself; two keys differing only in case
(``method`` and ``Method``) were "unknown key 'Method'" naming nothing of the other; and a
TOML date was written as Python's ``datetime.date(2020, 1, 1)``."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from recstack.config import EvaluationSpec, parse_experiment
from recstack.data.sources import LoaderOptions, SyntheticSource, TableFile
from recstack.errors import ConfigError
from recstack.ops.drift import DriftSpec
from recstack.ops.pipeline_config import RegistryOptions
from recstack.ops.quality import QualitySpec


@pytest.mark.parametrize("build, says", [
    (lambda: TableFile(pth="x.csv"),
     r"^TableFile\(\) has no argument 'pth' \(did you mean 'path'\?\); it takes "
     r"TableFile\(path\)$"),
    (lambda: SyntheticSource(setting={}),
     r"^SyntheticSource\(\) has no argument 'setting' \(did you mean 'settings'\?\)"),
    (lambda: LoaderOptions(sep=","),
     r"^LoaderOptions\(\) has no argument 'sep' \(did you mean 'separator'\?\)"),
    (lambda: EvaluationSpec(k=[5]),
     r"^EvaluationSpec\(\) has no argument 'k' \(did you mean 'ks'\?\)"),
    (lambda: DriftSpec(psi_warm=0.2),
     r"^DriftSpec\(\) has no argument 'psi_warm' \(did you mean 'psi_warn'\?\)"),
    (lambda: QualitySpec(volume_wrn=0.5),
     r"^QualitySpec\(\) has no argument 'volume_wrn' \(did you mean 'volume_warn'\?\)"),
    (lambda: RegistryOptions(rot="r"),
     r"^RegistryOptions\(\) has no argument 'rot' \(did you mean 'root'\?\)"),
    (lambda: TableFile("a.csv", "b.csv"),
     r"^TableFile\(\) takes at most 1 positional argument"),
])
def test_every_spec_names_the_field_of_a_misspelt_argument(build, says):
    with pytest.raises(ConfigError, match=says):
        build()


def test_well_formed_specs_are_built_as_before():
    assert TableFile("x.csv") == TableFile(path="x.csv")
    assert dataclasses.replace(DriftSpec(), psi_warn=0.3).psi_warn == 0.3
    assert EvaluationSpec(ks=(5,)).ks == (5,)


@pytest.mark.parametrize("build, says", [
    # numpy's scalars as the number they hold, not np.float64(...)
    (lambda: DriftSpec(psi_warn=np.float64(-1.0)), r"psi_warn = -1\.0: "),
    (lambda: EvaluationSpec(ks=(5,), n_threads=np.int64(-2)), r"n_threads = -2: "),
    # an integer too long to write in decimal is named by its length
    (lambda: DriftSpec(psi_bins=10 ** 5000), r"psi_bins = a 5,001-digit integer: "),
])
def test_a_spec_s_refusal_shows_the_value_as_written(build, says):
    with pytest.raises(ConfigError, match=says) as refused:
        build()
    assert "np." not in str(refused.value)


HEAD = {"data": {"source": "synthetic"}, "models": [{"type": "most_popular"}]}


@pytest.mark.parametrize("raw, says", [
    ({**HEAD, "split": {"method": "random", "Method": "temporal"}},
     "x.toml: [split] 'Method' and 'method' are two keys that differ only in case: keys are "
     "case-sensitive, and only 'method' is read; give it once, as 'method'"),
    ({**HEAD, "split": {"method": "random", "test_fraction": 0.2, "Test_Fraction": 0.5}},
     "x.toml: [split] 'Test_Fraction' and 'test_fraction' are two keys that differ only in "
     "case: keys are case-sensitive, and only 'test_fraction' is read; give it once, as "
     "'test_fraction'"),
    ({**HEAD, "split": {"method": "random"}, "Seed": 1, "seed": 2},
     "x.toml: 'Seed' and 'seed' are two keys that differ only in case: keys are "
     "case-sensitive, and only 'seed' is read; give it once, as 'seed'"),
    ({"data": {"source": "synthetic"}, "split": {"method": "random"},
      "models": [{"type": "als", "Type": "bpr"}]},
     "x.toml: [[models]] #1 'Type' and 'type' are two keys that differ only in case: keys "
     "are case-sensitive, and only 'type' is read; give it once, as 'type'"),
    ({"data": {"source": "synthetic"}, "split": {"method": "random"},
      "models": [{"type": "als", "factors": 4, "Factors": 8}]},
     "x.toml: [[models]] #1 (als) 'Factors' and 'factors' are two keys that differ only in "
     "case: keys are case-sensitive, and only 'factors' is read; give it once, as "
     "'factors'"),
])
def test_two_keys_differing_only_in_case_are_named_together(raw, says):
    with pytest.raises(ConfigError) as refused:
        parse_experiment(raw, source="x.toml")
    assert str(refused.value) == says


def test_a_split_method_key_in_another_case_is_named():
    with pytest.raises(ConfigError) as refused:
        parse_experiment({**HEAD, "split": {"Method": "random"}}, source="x.toml")
    assert str(refused.value) == (
        "x.toml: [split] missing key 'method' (one of random, temporal, leave_last_out, "
        "users, kfold); found 'Method' (did you mean 'method'?)")


def test_a_toml_date_is_shown_as_the_file_writes_it(tmp_path):
    import datetime

    with pytest.raises(ConfigError) as refused:
        parse_experiment({**HEAD, "split": {"method": "random"},
                          "seed": datetime.date(2020, 1, 31)}, source="x.toml")
    assert str(refused.value) == "x.toml: seed = 2020-01-31: expected an integer"
