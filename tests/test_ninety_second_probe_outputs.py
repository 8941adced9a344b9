"""Ninety-second bad-input probe, file outputs and flag values as typed.

``recstack tune --out LINK`` to a symbolic link that leads nowhere replaced the link by the
tuned file (the atomic write renames over the link), as ``report --out``, ``recommend
--out`` and ``TuningResult.write_experiment`` did: a file output is refused by what it is,
in one place (``recstack.experiment.refuse_non_file_output``). A flag's value was shown as
converted (``--test-fraction = inf`` of ``1e400``, ``= 0.0`` of ``0``), and two flags
naming one column read ``--user-col = --item-col = 'x'``. Each test failed before its
fix."""

from __future__ import annotations

import json
import os

import pytest

from recstack.cli import main
from recstack.errors import RecstackError
from recstack.experiment import check_output_file
from recstack.tuning import TuningResult

LOG = "user_id,item_id,rating,timestamp\n1,1,5,100\n1,2,4,200\n2,1,3,300\n2,3,4,400\n"
EXPERIMENT = ('[data]\nsource = "synthetic"\n[split]\nmethod = "random"\n[[models]]\n'
              'type = "item_knn"\n[tune]\nmodel = "item_knn"\ntrials = 2\n'
              '[tune.space.neighbors]\ntype = "int"\nlow = 5\nhigh = 10\n')


def _error(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as stop:  # the parser's refusal of an option: the same status
        code = stop.code
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err.strip()


def _dangling(tmp_path, name="out.toml"):
    link = tmp_path / name
    os.symlink(tmp_path / "nowhere" / "x.toml", link)
    return link


@pytest.mark.parametrize("overwrite", [[], ["--overwrite"]])
def test_tune_refuses_an_out_that_is_a_dangling_link_and_keeps_it(tmp_path, capsys,
                                                                   overwrite):
    experiment = tmp_path / "e.toml"
    experiment.write_text(EXPERIMENT)
    link = _dangling(tmp_path)
    err = _error(capsys, "tune", str(experiment), "--out", str(link), *overwrite)
    target = str(tmp_path / "nowhere" / "x.toml")
    assert err == (f"recstack: error: {link}: is a symbolic link to {target!r}, which does "
                   "not exist, but a file is to be written there; choose another --out or "
                   "remove the link")
    assert link.is_symlink() and os.readlink(link) == target


@pytest.mark.parametrize("command", [
    ["report", "RESULTS", "--out"],
    ["recommend", "MODEL", "--users", "1", "--out"],
])
def test_other_file_outputs_refuse_a_dangling_link(tmp_path, capsys, command):
    link = _dangling(tmp_path, "out.html" if command[0] == "report" else "out.csv")
    argv = [str(tmp_path / word) if word.isupper() else word for word in command]
    err = _error(capsys, *argv, str(link))
    assert "which does not exist, but a file is to be written there" in err
    assert link.is_symlink()


@pytest.mark.parametrize("make, said", [
    (lambda p: os.symlink(p, p), "a symbolic link that loops"),
    (lambda p: os.mkfifo(p), "a pipe, socket or device"),
    (lambda p: os.symlink(p.parent / "gone", p), "which does not exist"),
])
def test_check_output_file_names_what_is_there(tmp_path, make, said):
    out = tmp_path / "x.toml"
    make(out)
    with pytest.raises(RecstackError, match=said):
        check_output_file(out, overwrite=True)
    assert os.path.lexists(out)


def test_write_experiment_refuses_a_dangling_link(tmp_path):
    link = _dangling(tmp_path)
    result = TuningResult("item_knn", "ndcg@10", {"neighbors": 5}, 0.1,
                          tuned_experiment={"name": "x"})
    with pytest.raises(RecstackError, match=r"^write_experiment\(path\): .*out\.toml: is a "
                                            r"symbolic link to .*which does not exist.*choose "
                                            r"another name or remove the link"):
        result.write_experiment(link)
    assert link.is_symlink() and not (tmp_path / "nowhere").exists()
    plain = tmp_path / "plain.toml"
    assert result.write_experiment(plain) == plain and plain.is_file()


@pytest.fixture()
def log(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(LOG)
    return str(path)


@pytest.mark.parametrize("typed, problem", [
    ("1e400", "must be a finite number"),
    ("NaN", "must be a finite number"),
    ("0", "must be in (0, 1)"),
    ("1.50", "must be in (0, 1)"),
    ("-0", "must be in (0, 1)"),
])
@pytest.mark.parametrize("flag, method", [("--test-fraction", "random"),
                                          ("--test-users", "users")])
def test_a_flag_value_is_shown_as_typed(tmp_path, capsys, log, typed, problem, flag,
                                        method):
    err = _error(capsys, "data", "split", log, "--method", method, f"{flag}={typed}",
                 "--out", str(tmp_path / "out"))
    # as typed, in the parser's form for a mistake of one option (round 165)
    assert err == f"recstack data split: error: argument {flag}: {problem}, got {typed}"
    assert not (tmp_path / "out").exists()


def test_a_typed_value_is_still_the_number(tmp_path):
    # the typed value splits as the number: a fraction of the users is held out as before
    rows = [f"{u},{i},4,{100 * u + i}" for u in range(20) for i in range(10) if (u + i) % 3]
    log = tmp_path / "big.csv"
    log.write_text("user_id,item_id,rating,timestamp\n" + "\n".join(rows) + "\n")
    assert main(["data", "split", str(log), "--method", "users", "--test-users", "0.5",
                 "--fold-in-fraction", "0.5", "--out", str(tmp_path / "out")]) == 0
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["params"]["test_users"] == 0.5, report


def test_two_flags_naming_one_column_read_naturally(capsys, log):
    err = _error(capsys, "data", "info", log, "--user-col", "x", "--item-col", "x")
    assert err.startswith("recstack: error: --user-col and --item-col are both 'x': one "
                          "column cannot hold both the user ids and the item ids")


@pytest.mark.parametrize("typed", ["00", "-00", "-0"])
def test_a_whole_number_flag_out_of_range_is_shown_as_typed(tmp_path, capsys, typed):
    experiment = tmp_path / "e.toml"
    experiment.write_text(EXPERIMENT)
    with pytest.raises(SystemExit) as stop:
        main(["evaluate", str(experiment), f"--n-threads={typed}"])
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert stop.value.code == 2
    assert err == (f"recstack evaluate: error: argument --n-threads: must be >= 1, got "
                   f"{typed}")


@pytest.mark.parametrize("make, said", [
    (lambda p: os.symlink(p.parent / "gone", p), "a symbolic link to '.*gone', which does "
                                                 "not exist"),
    (lambda p: os.symlink(p, p), r"a symbolic link that loops \(it leads back to itself\)"),
    (os.mkfifo, "a pipe, socket or device"),
])
def test_fit_refuses_a_registry_that_is_no_folder_before_fitting(tmp_path, capsys, make,
                                                                 said, monkeypatch):
    import re

    import recstack.serving.commands as commands

    experiment = tmp_path / "e.toml"
    experiment.write_text(EXPERIMENT)
    registry = tmp_path / "registry"
    make(registry)

    def no_fit(*args, **kwargs):
        raise AssertionError("the model was fitted")

    monkeypatch.setattr(commands, "fit_and_publish", no_fit)
    err = _error(capsys, "fit", str(experiment), "--model", "item_knn", "--registry",
                 str(registry))
    assert re.fullmatch(rf"recstack fit: error: argument --registry: "
                        rf"{re.escape(str(registry))}: is {said}, "
                        r"not a folder; the registry is a folder \(created when the first "
                        r"model is published\); choose another --registry", err), err
    assert os.path.lexists(registry)


@pytest.mark.parametrize("command, page", [
    (["report"], "report.html"),
    (["pipeline", "report"], "report/report.html"),
])
@pytest.mark.parametrize("make, said", [
    (lambda p: os.symlink(p.parent / "gone.html", p), "a symbolic link to '.*gone.html', "
                                                      "which does not exist"),
    (os.mkfifo, "a pipe, socket or device"),
])
def test_the_default_report_page_that_is_no_file_is_refused(tmp_path, capsys, command,
                                                            page, make, said):
    # the default page is the command's own and is replaced, but a link leading nowhere
    # was replaced by the page, and a pipe waited for a reader
    import re

    folder = tmp_path / "results"
    (folder / page).parent.mkdir(parents=True)
    make(folder / page)
    err = _error(capsys, *command, str(folder))
    assert re.match(rf"recstack: error: {re.escape(str(folder / page))}: is {said}", err), err
    assert os.path.lexists(folder / page) and not (folder / page).is_file()


@pytest.mark.parametrize("spec, said", [
    ("k_core:user_min=1e400", "user_min=1e400: expected an integer"),
    ("k_core:user_min=-0", "user_min=-0: must be >= 1"),
    ("min_value:threshold=1e400", "threshold=1e400: must be a finite number"),
])
def test_a_filter_option_is_shown_as_typed(tmp_path, capsys, log, spec, said):
    err = _error(capsys, "data", "split", log, "--filter", spec, "--out",
                 str(tmp_path / "out"))
    assert err == f"recstack data split: error: argument --filter: {spec}: {said}"


def test_a_filter_option_typed_as_a_number_still_filters(tmp_path, capsys, log):
    # user 1 and user 2 have two rows each; item 1 has two rows, items 2 and 3 one each
    assert main(["data", "split", log, "--method", "temporal", "--timestamp-col",
                 "timestamp", "--test-fraction", "0.5", "--filter",
                 "k_core:user_min=1,item_min=2", "--out", str(tmp_path / "out")]) in (0, 2)
    # items 2 and 3 (one row each) are removed, with their rows: the options were read
    assert capsys.readouterr().out.startswith(
        "k_core(user_min=1, item_min=2): removed 2 rows, 0 users, 2 items (2 rows left)")


def test_users_separated_by_commas_are_said_to_be_one_id(tmp_path, capsys):
    rows = [f"{u},{i},4,{100 * u + i}" for u in range(1, 21) for i in range(1, 11)
            if (u + i) % 3]
    log = tmp_path / "log.csv"
    log.write_text("user_id,item_id,rating,timestamp\n" + "\n".join(rows) + "\n")
    experiment = tmp_path / "e.toml"
    experiment.write_text(f'[data]\nsource = "{log}"\n[split]\nmethod = "random"\n'
                          '[[models]]\ntype = "most_popular"\n')
    registry = tmp_path / "registry"
    assert main(["fit", str(experiment), "--model", "most_popular", "--registry",
                 str(registry)]) == 0
    capsys.readouterr()
    err = _error(capsys, "recommend", "most_popular", "--registry", str(registry),
                 "--users", "1,2")
    assert err.startswith("recstack: error: most_popular: user '1,2' not seen in training "
                          "('1,2' is one id: --users takes ids separated by spaces, --users "
                          "1 2)"), err
    assert main(["recommend", "most_popular", "--registry", str(registry), "--users", "1",
                 "2", "--k", "1"]) == 0
