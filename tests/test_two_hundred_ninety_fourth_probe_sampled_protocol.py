"""Experiment files running the sampled-negatives protocol (NCF, SASRec): ``[evaluation]
protocol = "sampled"`` with ``n_negatives``, and ``[data] split`` naming the NCF
repository's split files, whose negatives are ranked. Values are checked against
``evaluate_sampled`` called directly and against values worked by hand."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recstack.cli import main
from recstack.config import load_experiment
from recstack.data.ncf_files import load_ncf_files
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.sampled import evaluate_sampled
from recstack.experiment import load_split, run_experiment
from recstack.models.registry import create_model

LOG3 = math.log2(3)


def _ncf(folder: Path, name: str = "toy") -> Path:
    """Three train users, one held-out item and two negatives each. Train counts: item 0
    three rows, item 1 two, item 2 one, items 3 and 4 none."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.train.rating").write_text(
        "0\t0\t1\t1\n0\t1\t1\t2\n1\t0\t1\t1\n1\t2\t1\t2\n2\t0\t1\t1\n2\t1\t1\t2\n")
    (folder / f"{name}.test.rating").write_text("0\t2\t1\t3\n1\t1\t1\t3\n2\t3\t1\t3\n")
    (folder / f"{name}.test.negative").write_text("(0,2)\t3\t4\n(1,1)\t3\t4\n(2,3)\t2\t4\n")
    return folder


def _experiment(tmp_path: Path, data: str, evaluation: str, extra: str = "") -> Path:
    path = tmp_path / "exp.toml"
    path.write_text(f"seed = 3\n[data]\n{data}\n{extra}[evaluation]\n{evaluation}\n"
                    "[[models]]\ntype = \"most_popular\"\n", encoding="utf-8")
    return path


def _per_user(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "per_user_most_popular.csv", index_col=0)


def test_ncf_files_through_recstack_evaluate(tmp_path, capsys):
    _ncf(tmp_path / "ncf")
    path = _experiment(tmp_path, 'split = "ncf/toy"\nformat = "ncf"',
                       'protocol = "sampled"\nks = [1, 2]')
    out = tmp_path / "results"
    assert main(["evaluate", str(path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "hit_rate@2" in printed and "protocol: given negatives (2 per user" in printed
    frame = _per_user(out)
    # by hand, most_popular scores by training count (0: 3, 1: 2, 2: 1, 3 and 4: 0):
    # user 0: item 2 (1) over 3, 4 (0): rank 0; user 1: item 1 (2) over 3, 4: rank 0;
    # user 2: item 3 (0) below 2 (1), tied with 4: rank 1 or 2, each with chance 1/2
    assert frame["hit_rate@1"].tolist() == pytest.approx([1, 1, 0])
    assert frame["hit_rate@2"].tolist() == pytest.approx([1, 1, 0.5])
    assert frame["ndcg@2"].tolist() == pytest.approx([1, 1, 0.5 / LOG3])
    assert frame["ndcg@2"].mean() == pytest.approx((2 + 0.5 / LOG3) / 3)
    # ... and as evaluate_sampled gives it with the files' negatives
    files = load_ncf_files(tmp_path / "ncf", "toy")
    model = create_model("most_popular").fit(files.train)
    direct = evaluate_sampled(model, files.train, files.test, ks=(1, 2),
                              negatives=files.negatives)
    pd.testing.assert_frame_equal(frame, direct.per_user, check_dtype=False,
                                  check_index_type=False, check_names=False)


def test_ncf_folder_detected_from_its_files(tmp_path):
    _ncf(tmp_path / "ncf")
    experiment = load_experiment(_experiment(tmp_path, 'split = "ncf"', 'protocol = "sampled"'
                                             "\nks = [1]"))
    assert experiment.data.ncf is not None and experiment.data.ncf.name == "toy"
    assert experiment.evaluation.metrics == ("hit_rate", "ndcg")  # the protocol's default
    split = load_split(experiment)
    assert (len(split.train), len(split.test)) == (6, 3)


def _split_files(tmp_path: Path) -> str:
    """Train and test CSVs: users 1-3 are tested, each with exactly two items they never
    had (so two negatives are those two, whatever the seed). Train counts: a 3, b 2, c 2,
    d 1, e 2."""
    (tmp_path / "train.csv").write_text(
        "user,item,rating\n1,a,1\n1,b,1\n2,a,1\n2,c,1\n3,a,1\n3,b,1\n4,d,1\n4,e,1\n"
        "5,c,1\n5,e,1\n")
    (tmp_path / "test.csv").write_text("user,item,rating\n1,c,1\n2,b,1\n3,d,1\n")
    return 'train = "train.csv"\ntest = "test.csv"'


def test_sampled_negatives_by_hand_and_as_evaluate_sampled(tmp_path):
    path = _experiment(tmp_path, _split_files(tmp_path),
                       'protocol = "sampled"\nn_negatives = 2\nks = [1, 2]')
    out = tmp_path / "results"
    assert main(["evaluate", str(path), "--out", str(out)]) == 0
    frame = _per_user(out).sort_index()
    # user 1: c (2) against d (1), e (2): tied with one, rank 0 or 1; user 2: b (2)
    # against d (1), e (2): the same; user 3: d (1) below c (2) and e (2): rank 2
    assert frame["hit_rate@1"].tolist() == pytest.approx([0.5, 0.5, 0])
    assert frame["hit_rate@2"].tolist() == pytest.approx([1, 1, 0])
    assert frame["ndcg@2"].tolist() == pytest.approx([(1 + 1 / LOG3) / 2] * 2 + [0])
    # the same as evaluate_sampled with the file's seed
    experiment = load_experiment(path)
    split = load_split(experiment)
    model = create_model("most_popular").fit(split.train)
    direct = evaluate_sampled(model, split.train, split.test, ks=(1, 2), n_negatives=2,
                              seed=3)
    assert np.allclose(frame.to_numpy(), direct.per_user.sort_index().to_numpy())
    assert direct.meta["protocol"] == run_experiment(experiment).results[0].meta["protocol"]


def test_sampled_negatives_match_evaluate_sampled_with_the_seed(tmp_path):
    # more items than negatives: which are drawn depends on the seed
    # users u and u + 3 have the same four of the 12 items; users 0-2 hold one out
    rows = [(u, i) for u in range(6) for i in range(12) if (u + i) % 3 == 0]
    (tmp_path / "train.csv").write_text("user,item\n" + "".join(
        f"{u},{i}\n" for u, i in rows if u >= 3 or i > 2))
    (tmp_path / "test.csv").write_text("user,item\n" + "".join(
        f"{u},{i}\n" for u, i in rows if u < 3 and i <= 2))
    path = _experiment(tmp_path, 'train = "train.csv"\ntest = "test.csv"\nvalue_col = false',
                       'protocol = "sampled"\nn_negatives = 3\nks = [1, 3]')
    experiment = load_experiment(path)
    result = run_experiment(experiment).results[0]
    split = load_split(experiment)
    model = create_model("most_popular").fit(split.train)
    direct = evaluate_sampled(model, split.train, split.test, ks=(1, 3), n_negatives=3,
                              seed=3)
    pd.testing.assert_frame_equal(result.per_user, direct.per_user)
    assert result.meta["seed"] == 3 and result.meta["n_negatives"] == 3


# ------------------------------------------------------------------------------ refusals
NCF = 'split = "ncf/toy"'


@pytest.mark.parametrize(("data", "evaluation", "message"), [
    (NCF, 'protocol = "sampeld"',
     "[evaluation] protocol = \"sampeld\": must be one of 'full', 'sampled' (did you mean "
     "'sampled'?)"),
    (NCF, "protocol = 1", "[evaluation] protocol = 1: expected one of 'full', 'sampled'"),
    (NCF, "n_negatives = 50",
     "[evaluation] n_negatives = 50: applies to protocol = \"sampled\" only"),
    ('source = "log.csv"', 'protocol = "sampled"\nn_negatives = "100"',
     "[evaluation] n_negatives = \"100\": expected an integer"),
    ('source = "log.csv"', 'protocol = "sampled"\nn_negatives = 0',
     "[evaluation] n_negatives = 0: must be >= 1"),
    ('source = "log.csv"', 'protocol = "sampled"\nn_negatives = true',
     "[evaluation] n_negatives = true: expected an integer"),
    ('source = "log.csv"', 'protocol = "sampled"\nn_negatives = 100.0',
     "[evaluation] n_negatives = 100.0: expected an integer"),
    ('source = "log.csv"', 'protocol = "sampled"\nn_negatives = 99999999999',
     "[evaluation] n_negatives = 99999999999: must be <= 1000000"),
    (NCF, 'protocol = "sampled"\nn_negative = 5',
     "[evaluation] unknown key 'n_negative' (did you mean 'n_negatives'?)"),
    (NCF, 'protocol = "sampled"\nmetrics = ["recall", "ndcg"]',
     '[evaluation] metrics = ["recall", "ndcg"]: protocol = "sampled" computes hit_rate '
     'and ndcg only, not "recall"'),
    (NCF, 'protocol = "sampled"\ngraded = true', "[evaluation] graded = true: protocol"),
    (NCF, 'protocol = "sampled"\nn_threads = 2', "[evaluation] n_threads: sets the threads"),
    ('source = "log.csv"', 'protocol = "sampled"\nn_negatives = 5\nks = [10]',
     "[evaluation] ks = [10]: K = 10 is not below the 6 candidates"),
    (NCF, 'protocol = "sampled"\nn_negatives = 10',
     "[evaluation] n_negatives = 10: the NCF files of [data] split = \"ncf/toy\" give each "
     "test user's negatives"),
    ('split = "ncf/toi"', 'protocol = "sampled"',
     "[data] split = \"ncf/toi\": no NCF data set 'toi' in"),
    ('split = "ncf/toi"\nformat = "ncf"', 'protocol = "sampled"', "(did you mean 'toy'?)"),
    ('split = "two"', 'protocol = "sampled"',
     "[data] split = \"two\": the folder holds 2 NCF data sets (other, toy); name one"),
    ('split = "empty"\nformat = "ncf"', 'protocol = "sampled"',
     "[data] split = \"empty\": format = \"ncf\", but"),
    ('split = "lacking/toy"', 'protocol = "sampled"',
     "[data] split = \"lacking/toy\": no toy.test.negative in"),
    ('split = "log.csv"\nformat = "ncf"', 'protocol = "sampled"', "log.csv is a file"),
    ('split = "ncf/toy"\nseparator = ","', 'protocol = "sampled"',
     "[data] separator: loader options apply to CSV, TSV and Parquet files, not to NCF"),
    ('source = "log.csv"\nformat = "ncf"', 'protocol = "sampled"',
     "[data] format = \"ncf\": says how a split folder is laid out"),
])
def test_refused_when_read(tmp_path, data, evaluation, message):
    _ncf(tmp_path / "ncf")
    _ncf(tmp_path / "two")
    _ncf(tmp_path / "two", "other")
    _ncf(tmp_path / "lacking")
    (tmp_path / "lacking" / "toy.test.negative").unlink()
    (tmp_path / "empty").mkdir()
    (tmp_path / "log.csv").write_text("user,item\n1,1\n")
    extra = ('[split]\nmethod = "random"\ntest_fraction = 0.5\n'
             if data.startswith("source") and "format" not in data else "")
    path = _experiment(tmp_path, data, evaluation, extra)
    with pytest.raises(ConfigError) as caught:
        load_experiment(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


@pytest.mark.parametrize(("data", "evaluation", "extra", "message"), [
    (NCF, 'protocol = "sampled"\nks = [3]', "",
     "[evaluation] ks = [3]: K = 3 is not below the 3 candidates of the NCF files"),
    ("SPLIT", 'protocol = "sampled"\nks = [1]', "",
     "[evaluation] n_negatives = 100 (the default): the catalog has 5 items"),
    ("SPLIT", 'protocol = "sampled"\nks = [1]\nn_negatives = 3', "",
     "[evaluation] n_negatives = 3, but user 1 has only 2 items of the 5 they never"),
    ('source = "log.csv"', 'protocol = "sampled"\nks = [1]\nn_negatives = 1',
     '[split]\nmethod = "users"\ntest_users = 0.5\n',
     "[evaluation] protocol = \"sampled\": the split has a fold-in part"),
])
def test_refused_before_any_fit(tmp_path, capsys, data, evaluation, extra, message):
    _ncf(tmp_path / "ncf")
    if data == "SPLIT":
        data = _split_files(tmp_path)
    (tmp_path / "log.csv").write_text("user,item\n" + "".join(
        f"{u},{i}\n" for u in range(6) for i in range(6) if (u + i) % 2))
    path = _experiment(tmp_path, data, evaluation, extra)
    experiment = load_experiment(path)
    fitted = []
    original = type(create_model("most_popular")).fit

    def counting_fit(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        fitted.append(1)
        return original(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(create_model("most_popular")), "fit", counting_fit)
        with pytest.raises(RecstackError) as caught:
            run_experiment(experiment)
    assert not fitted
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)
    # the command line says it in one line, with a non-zero exit
    assert main(["evaluate", str(path), "--out", str(tmp_path / "out")]) != 0
    error = capsys.readouterr().err
    errors = [line for line in error.splitlines() if line.startswith("recstack: error:")]
    assert len(errors) == 1 and message in errors[0] and "Traceback" not in error


def test_graph_cf_split_under_the_sampled_protocol_takes_its_metrics(tmp_path):
    folder = tmp_path / "graph"
    folder.mkdir()
    (folder / "train.txt").write_text("0 0 1\n1 1 2\n")
    (folder / "test.txt").write_text("0 2\n1 0\n")
    experiment = load_experiment(_experiment(tmp_path, 'split = "graph"',
                                             'protocol = "sampled"'))
    # the graph-CF protocol's recall is no metric of the sampled protocol: not defaulted
    assert experiment.evaluation.metrics == ("hit_rate", "ndcg")
    assert experiment.evaluation.ks == (20,) and experiment.evaluation.negatives_count == 100
