"""The README's code, run as a new user would copy it.

Every ```python, ```toml and ```bash block of README.md is found here and checked: python
blocks run in one namespace, in README order, in a temporary folder (a user's session);
toml blocks are read by recstack's own experiment loader (a fragment inside the experiment
it belongs to); the ``recstack ...`` lines of bash blocks run through ``recstack.cli.main``
in-process on the built-in synthetic dataset. What needs the real MovieLens copies, the
network or a running server is skipped with that reason. A block no test here knows of
fails ``test_every_block_is_checked``, so a new one is not left unchecked.
"""
from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from recstack.cli import main
from recstack.config import load_experiment

README = Path(__file__).resolve().parents[1] / "README.md"


@dataclass(frozen=True)
class Block:
    section: str
    line: int  # the line of the opening fence
    lang: str
    text: str


def _blocks() -> list[Block]:
    found: list[Block] = []
    section = ""
    lines = README.read_text(encoding="utf-8").splitlines()
    number = 0
    while number < len(lines):
        line = lines[number]
        if line.startswith("## "):
            section = line[3:].strip()
        if line.startswith("```"):
            start, lang, body = number + 1, line[3:].strip(), []
            number += 1
            while not lines[number].startswith("```"):
                body.append(lines[number])
                number += 1
            found.append(Block(section, start, lang, "\n".join(body) + "\n"))
        number += 1
    return found


BLOCKS = _blocks()


def _of(lang: str, first_line: str) -> Block:
    """The one block of ``lang`` whose first line is ``first_line``."""
    matching = [block for block in BLOCKS
                if block.lang == lang and block.text.splitlines()[0] == first_line]
    assert len(matching) == 1, (lang, first_line, matching)
    return matching[0]


def _holding(lang: str, line: str) -> Block:
    """The one block of ``lang`` with ``line`` among its lines."""
    matching = [block for block in BLOCKS
                if block.lang == lang and line in block.text.splitlines()]
    assert len(matching) == 1, (lang, line, matching)
    return matching[0]


# ------------------------------------------------------------------------------ python
SYNTHETIC = _of("python", "from recstack.data.synthetic import generate")
DATA = _of("python", "from recstack.data.interactions import Interactions")
MODELS = _holding("python", 'model = create_model("als").fit(split.train)   '
                            "# defaults chosen for MovieLens-sized data")
EVALUATION = _of("python", "from recstack.evaluation.evaluator import Evaluator")
PYTHON = (SYNTHETIC, DATA, MODELS, EVALUATION)

# the README's 20M interactions take ~15 s and 1 GB: the same call, at a test's size
_FULL_SIZE = "n_users=138_000, n_items=27_000, n_interactions=20_000_000"
_TEST_SIZE = "n_users=300, n_items=200, n_interactions=6_000"


def _scaled_down(text: str) -> str:
    assert _FULL_SIZE in text, "the README's generate() call changed; update this test"
    return text.replace(_FULL_SIZE, _TEST_SIZE)


def test_python_blocks_run_in_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "readme"}
    exec(compile(_scaled_down(SYNTHETIC.text), f"README.md:{SYNTHETIC.line}", "exec"),
         namespace)
    assert namespace["data"].n_users == 300  # type: ignore[attr-defined]
    # the data block needs MovieLens (test_data_block_on_movielens); the models block
    # makes its own split, so a user without MovieLens can go on from here
    for block in (MODELS, EVALUATION):
        exec(compile(block.text, f"README.md:{block.line}", "exec"), namespace)
    items = namespace["items"]
    assert items.shape == (2, 10)  # type: ignore[attr-defined]
    assert (tmp_path / "artifacts" / "als").is_dir()
    summary = namespace["result"].summary()["ndcg@10"]  # type: ignore[attr-defined]
    assert 0.0 < summary.mean <= 1.0
    assert (tmp_path / "ndcg.json").is_file()
    assert namespace["other_result"] is not namespace["result"]


def test_data_block_past_its_loader_on_synthetic_data(tmp_path, monkeypatch):
    # without MovieLens the block's filters, split and views still run, on the built-in data
    monkeypatch.chdir(tmp_path)
    loading = 'data = load_movielens("path/to/ml-100k")'
    assert loading in DATA.text
    text = DATA.text.replace(
        loading, "from recstack.data.synthetic import generate\n"
                 "data = generate(n_users=300, n_items=200, n_interactions=6_000, seed=0)")
    namespace: dict[str, object] = {"__name__": "readme"}
    exec(compile(text, f"README.md:{DATA.line}", "exec"), namespace)
    split = namespace["split"]
    assert namespace["csr"].shape == (split.train.n_users, split.train.n_items)  # type: ignore[attr-defined]
    assert namespace["positives"].n_users <= split.train.n_users  # type: ignore[attr-defined]


def test_data_block_on_movielens(tmp_path, monkeypatch):
    root = os.environ.get("RECSTACK_DATASETS")
    if not root or not (Path(root) / "ml-100k").is_dir():
        pytest.skip("the README's data block loads MovieLens 100K: RECSTACK_DATASETS does "
                    "not name a folder holding ml-100k/")
    monkeypatch.chdir(tmp_path)
    text = DATA.text
    assert '"path/to/ml-100k"' in text
    text = text.replace('"path/to/ml-100k"', repr(str(Path(root) / "ml-100k")))
    namespace: dict[str, object] = {"__name__": "readme"}
    exec(compile(text, f"README.md:{DATA.line}", "exec"), namespace)
    assert namespace["data"].n_users == 943  # type: ignore[attr-defined]
    assert namespace["csr"].shape[0] == namespace["split"].train.n_users  # type: ignore[attr-defined]


# -------------------------------------------------------------------------------- toml
BASELINES = _of("toml", 'name = "baselines"')
TUNE = _of("toml", "[tune]")
CONDITIONAL_SPACE = _of(
    "toml", 'similarity = { type = "categorical", choices = ["cosine", "asymmetric", "jaccard"] }')
REPORT = _of("toml", "[report]")
MODEL_ENTRIES = [block for block in BLOCKS
                 if block.lang == "toml" and block.text.startswith("[[models]]\n")]
assert [block.text.splitlines()[1] for block in MODEL_ENTRIES] == [
    'type = "two_stage"', 'type = "reranked"']
TOML = (BASELINES, TUNE, CONDITIONAL_SPACE, REPORT, *MODEL_ENTRIES)


def _loaded(tmp_path: Path, text: str):
    path = tmp_path / "experiment.toml"
    path.write_text(text, encoding="utf-8")
    return load_experiment(path)


def test_baselines_file_is_valid(tmp_path):
    experiment = _loaded(tmp_path, BASELINES.text)
    assert experiment.name == "baselines"
    assert [model.type for model in experiment.models] == ["most_popular", "random"]
    assert tuple(experiment.evaluation.ks) == (10, 20)


def test_tune_table_is_valid_in_the_baselines_file(tmp_path):
    # [tune] model = "als" tunes an [[models]] entry of that type
    text = BASELINES.text + '\n[[models]]\ntype = "als"\n\n' + TUNE.text
    experiment = _loaded(tmp_path, text)
    assert experiment.tune.model == "als"
    assert experiment.tune.trials == 30


def test_conditional_space_is_valid_for_item_knn(tmp_path):
    # the README's lines are item_knn's [tune.space] (its default space does the same)
    text = (BASELINES.text + '\n[[models]]\ntype = "item_knn"\n\n[tune]\nmodel = "item_knn"\n'
            'metric = "ndcg@10"\ntrials = 5\n\n[tune.space]\n' + CONDITIONAL_SPACE.text)
    experiment = _loaded(tmp_path, text)
    assert experiment.tune.model == "item_knn"


def test_report_table_is_valid_in_the_baselines_file(tmp_path):
    experiment = _loaded(tmp_path, BASELINES.text + "\n" + REPORT.text)
    assert experiment.report.html is True
    assert experiment.report.save_models is True
    assert experiment.report.projection == "tsne"


@pytest.mark.parametrize("block", MODEL_ENTRIES, ids=lambda block: str(block.line))
def test_model_entries_are_valid_in_the_baselines_file(tmp_path, block):
    experiment = _loaded(tmp_path, BASELINES.text + "\n" + block.text)
    assert experiment.models[-1].type in ("two_stage", "reranked")


# -------------------------------------------------------------------------------- bash
MAKE = _of("bash", "make demo   # creates .venv if needed, installs recstack, runs the main "
                   "job on the built-in dataset")
COMMAND_LINE = _of("bash", "recstack --version")
SERVING = [_of("bash", "recstack fit experiment.toml --model als --registry models/      "
                      "# fit on all the data, publish als@1 (current)")]
HTTP = _of("bash", "recstack serve --registry models/ --log-dir logs/ --items items.parquet"
                   "   # then open http://127.0.0.1:8000/")
PIPELINE = _of("bash", "recstack pipeline run pipeline.toml")
BASH = (MAKE, COMMAND_LINE, SERVING[0], HTTP, PIPELINE)

# commands not run here, with the reason
NOT_RUN = {
    ("data", "fetch"): "downloads the MovieLens archive from grouplens.org",
    ("serve",): "starts the HTTP service",
    ("online",): "reads the logs a running service writes",
    ("skew",): "reads the logs a running service writes",
    ("pipeline", "run"): "needs a pipeline file and log partitions the README does not show",
}


def _commands(text: str) -> list[list[str]]:
    """The block's commands: continuation lines joined, comments and [optional] parts gone."""
    commands = []
    for line in text.replace("\\\n", " ").splitlines():
        line = line.split("#", 1)[0]
        while re.search(r"\[[^\[\]]*\]", line):
            line = re.sub(r"\[[^\[\]]*\]", "", line)
        if line.strip():
            commands.append(shlex.split(line))
    return commands


def _not_run(argv: list[str]) -> str | None:
    for words, reason in NOT_RUN.items():
        if tuple(argv[1:1 + len(words)]) == words:
            return reason
    return None


def _cli_fixtures(folder: Path) -> None:
    """What the README's commands name: ``experiment.toml`` (the README's baselines file
    with ALS added, named ``demo`` so that ``results/demo`` is its results, as after
    ``make demo``, on a smaller synthetic dataset for the test's time), ``ratings.csv``
    (synthetic, with MovieLens's column names) and ``users.txt`` (for ``--users-file``)."""
    from recstack.data.synthetic import generate

    text = BASELINES.text
    for written, used in (('name = "baselines"', 'name = "demo"'),
                          ('source = "synthetic"',
                           'source = "synthetic:n_users=400,n_items=300,n_interactions=12000"')):
        assert written in text
        text = text.replace(written, used, 1)
    (folder / "experiment.toml").write_text(text + '\n[[models]]\ntype = "als"\n',
                                            encoding="utf-8")
    # the users the README's `recommend --users 42 77` names, one a line
    (folder / "users.txt").write_text("42\n77\n", encoding="utf-8")
    frame = generate(n_users=300, n_items=200, n_interactions=6_000, seed=0).to_frame()
    frame.rename(columns={"user_id": "userId", "item_id": "movieId", "value": "rating"}
                 ).to_csv(folder / "ratings.csv", index=False)


def _run(argv: list[str], capsys) -> str:
    assert argv[0] == "recstack", argv
    try:
        code = main(argv[1:])
    except SystemExit as stop:  # argparse's --version
        code = stop.code  # type: ignore[assignment]
    out, err = capsys.readouterr()
    assert code == 0, f"{shlex.join(argv)} exited {code}: {err.strip()}"
    return out


def test_make_block_is_not_run():
    assert [argv[:2] for argv in _commands(MAKE.text)] == [["make", "demo"], ["make", "test"]]
    makefile = (README.parent / "Makefile").read_text(encoding="utf-8")
    for target in ("demo", "test"):
        assert re.search(rf"^{target}\s*:", makefile, re.MULTILINE), target
    # not run here: they install packages and run this whole suite


@pytest.mark.parametrize("block", [COMMAND_LINE, SERVING[0]], ids=lambda block: str(block.line))
def test_commands_run(tmp_path, monkeypatch, capsys, block):
    monkeypatch.chdir(tmp_path)
    _cli_fixtures(tmp_path)
    ran = 0
    for argv in _commands(block.text):
        if _not_run(argv):
            continue
        out = _run(argv, capsys)
        ran += 1
        if argv[1:2] == ["--version"]:
            assert out.startswith("recstack ")
    assert ran >= 3
    if block is COMMAND_LINE:
        assert (tmp_path / "synth" / "interactions.parquet").is_file()
        assert (tmp_path / "splits" / "train.parquet").is_file()
        assert (tmp_path / "results" / "demo" / "report.html").is_file()
    else:
        assert (tmp_path / "top20.parquet").is_file()
    assert (tmp_path / "models").is_dir()


@pytest.mark.parametrize("block", [HTTP, PIPELINE], ids=lambda block: str(block.line))
def test_commands_not_run(block):
    # each command is known, and has its reason not to run in-process (a server, logs of
    # one): what they write is checked by the serving tests instead
    reasons = {_not_run(argv) for argv in _commands(block.text)}
    assert reasons and None not in reasons


def _command_words(argv: list[str]) -> list[str]:
    """``recstack data split x.csv`` -> ``["data", "split"]``: the (sub)command's words."""
    words = []
    for word in argv[1:]:
        if word.startswith("-") or "." in word or "/" in word or len(words) == 2:
            break
        words.append(word)
        if word != "data" and word != "pipeline":
            break
    return words


@pytest.mark.parametrize("block", BASH[1:], ids=lambda block: str(block.line))
def test_every_option_shown_is_the_commands_own(block, capsys):
    # the [optional] parts too, which are not run: each --flag is in the command's --help
    for line in block.text.replace("\\\n", " ").splitlines():
        line = line.split("#", 1)[0]
        argv = shlex.split(line.replace("[", " ").replace("]", " "))
        if not argv:
            continue
        words = _command_words(argv)
        with pytest.raises(SystemExit) as stop:
            main([*words, "--help"])
        assert stop.value.code == 0
        helped = capsys.readouterr().out
        for flag in (word for word in argv if word.startswith("--")):
            assert re.search(rf"{re.escape(flag)}\b", helped), (
                f"README.md:{block.line}: {' '.join(words)} has no {flag}")


# ------------------------------------------------------------------- the printed output
def _normalised(text: str) -> list[str]:
    lines: list[str] = []
    for line in text.splitlines():
        if lines and lines[-1].endswith(","):
            lines[-1] += " " + line.strip()  # the README wraps the long last line
        elif line.strip():
            lines.append(" ".join(line.split()))
    return lines


def test_baselines_output_is_what_the_readme_shows(tmp_path, monkeypatch, capsys):
    shown = [block for block in BLOCKS if block.lang == "" and "most_popular" in block.text
             and "users evaluated" in block.text]
    assert len(shown) == 1
    monkeypatch.chdir(tmp_path)
    (tmp_path / "baselines.toml").write_text(BASELINES.text, encoding="utf-8")
    out = _normalised(_run(["recstack", "evaluate", "baselines.toml"], capsys))
    for line in _normalised(shown[0].text):
        if line.startswith("fit seconds"):
            # wall-clock: 0.0 on an idle machine, 0.1 on a busy one; the row itself is shown
            assert any(printed.startswith("fit seconds ") for printed in out), out
            continue
        assert line in out, f"README line {line!r} is not in the output:\n" + "\n".join(out)


def test_every_block_is_checked():
    checked = {id(block) for block in (*PYTHON, *TOML, *BASH)}
    unchecked = [(block.line, block.lang) for block in BLOCKS
                 if block.lang in ("python", "toml", "bash") and id(block) not in checked]
    assert unchecked == []
    # every command of the bash blocks is either run or named with its reason
    for block in BASH[1:]:
        for argv in _commands(block.text):
            assert argv[0] == "recstack"
