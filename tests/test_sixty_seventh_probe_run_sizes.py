"""Run-size settings with absurd values (``trials = 2**70``) were accepted and ran "for
ever": each has a documented upper bound, refused when the file is read, naming the
field."""

from __future__ import annotations

import pytest

from recstack.config import load_experiment
from recstack.errors import ConfigError
from recstack.tuning import check_search_arguments

HEAD = '[split]\nmethod = "random"\n[data]\nsource = "synthetic"\n[[models]]\ntype = "als"\n'


@pytest.mark.parametrize(("table", "message"), [
    ("[tune]\ntrials = 1180591620717411303424\n",
     r"\[tune\] trials = 1180591620717411303424: must be <= 100000"),
    ("[tune]\ntrials = 100001\n", r"\[tune\] trials = 100001: must be <= 100000"),
    ("[evaluation]\nn_threads = 4097\n",
     r"\[evaluation\] n_threads = 4097: must be <= 4096"),
    ("[evaluation]\nbatch_size = 10000001\n",
     r"\[evaluation\] batch_size = 10000001: must be <= 10000000"),
    ("[report]\nhtml = true\nmax_points = 1000001\n",
     r"\[report\] max_points = 1000001: must be <= 1000000"),
])
def test_an_absurd_run_size_is_refused_at_read_naming_the_field(tmp_path, table, message):
    path = tmp_path / "experiment.toml"
    path.write_text(HEAD + table)
    with pytest.raises(ConfigError, match=message) as raised:
        load_experiment(path)
    assert str(raised.value).startswith(f"{path}: ")


@pytest.mark.parametrize("table", [
    "[tune]\nmodel = \"als\"\ntrials = 100000\n",
    "[evaluation]\nn_threads = 4096\nbatch_size = 10000000\n",
    "[report]\nhtml = true\nmax_points = 1000000\n",
])
def test_the_bounds_themselves_are_accepted(tmp_path, table):
    path = tmp_path / "experiment.toml"
    path.write_text(HEAD + table)
    load_experiment(path)


SPACE = {"factors": {"type": "int", "low": 4, "high": 8}}


@pytest.mark.parametrize(("options", "message"), [
    ({"trials": 2**70}, r"trials = 1180591620717411303424: expected a whole number of "
                        r"trials in \[1, 100000\]"),
    ({"timeout": 1e300}, r"timeout = 1e\+300: expected a positive number of seconds "
                         r"<= 2592000 \(30 days\)"),
])
def test_search_refuses_absurd_budgets(options, message):
    arguments = {"metric": "ndcg@10", "trials": 3, "seed": 0, "timeout": None} | options
    with pytest.raises(ConfigError, match=message):
        check_search_arguments("als", SPACE, None, **arguments)


def test_search_accepts_its_largest_budget():
    check_search_arguments("als", SPACE, None, metric="ndcg@10", trials=100000, seed=0,
                           timeout=30 * 24 * 3600)
