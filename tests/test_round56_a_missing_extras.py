"""recstack installed without its optional parts: each command that needs a missing library
fails up front with one line naming it and the extra that installs it, exit status 2, no
traceback and nothing written; what needs no extra keeps working.

CI has every extra installed, so each case runs the command in a subprocess whose
``sys.meta_path`` hides the libraries the case lacks (as a base install lacks them)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

#: every optional library of pyproject.toml's extras, by the name it is imported by
OPTIONAL = ("implicit", "numba", "sklearn", "torch", "safetensors", "optuna", "lightgbm",
            "fastapi", "uvicorn", "prometheus_client", "pydantic", "hnswlib", "redis",
            "fsspec", "orjson", "s3fs", "pyspark", "plotly", "openTSNE", "umap", "matplotlib")

_RUNNER = textwrap.dedent("""
    import sys, json
    class Blocker:
        def __init__(self, names):
            self.names = set(names)
        def find_spec(self, fullname, path=None, target=None):
            if fullname.split(".")[0] in self.names:
                raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
            return None
    sys.meta_path.insert(0, Blocker(json.loads(sys.argv[1])))
    from recstack.cli import main
    sys.exit(main(json.loads(sys.argv[2])))
""")

SMALL_DATA = 'source = "synthetic:n_users=60,n_items=40,n_interactions=900"'


def run_blocked(blocked: tuple[str, ...], args: list[str], cwd: Path,
                *warnings_as_errors: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *warnings_as_errors, "-c", _RUNNER, json.dumps(list(blocked)),
         json.dumps(args)], cwd=cwd, capture_output=True, text=True, timeout=60)


def experiment(folder: Path, models: str, name: str = "x") -> Path:
    path = folder / f"{name}.toml"
    path.write_text(textwrap.dedent(f"""
        name = "{name}"
        seed = 0
        [data]
        {SMALL_DATA}
        [split]
        method = "random"
        test_fraction = 0.2
        [evaluation]
        metrics = ["ndcg"]
        ks = [5]
    """) + textwrap.dedent(models))
    return path


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(lines) == 1, result.stderr
    return lines[0]


# a model that fails at its fit, for a reason of the data (k above the 40 items): a run
# that reaches the fit of the model declared first names it, not the missing library
FAILS_AT_FIT = """
    [[models]]
    type = "gf_cf"
    k = 1000
"""


def test_help_of_every_command_needs_no_extra_and_warns_of_nothing(tmp_path: Path) -> None:
    commands = [[], ["demo"], ["evaluate"], ["tune"], ["report"], ["pipeline"],
                ["pipeline", "run"], ["pipeline", "report"], ["data"], ["data", "info"],
                ["data", "fetch"], ["data", "synth"], ["data", "split"], ["fit"],
                ["recommend"], ["serve"], ["online"], ["skew"]]
    script = _RUNNER.replace("sys.exit(main(json.loads(sys.argv[2])))", textwrap.dedent("""
        for command in json.loads(sys.argv[2]):
            try:
                main([*command, "--help"])
            except SystemExit as end:
                assert end.code == 0, (command, end.code)
    """))
    result = subprocess.run([sys.executable, "-W", "error", "-c", script,
                             json.dumps(OPTIONAL), json.dumps(commands)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.count("usage: recstack") == len(commands)


def test_demo_without_the_als_extra_fails_before_generating_data(tmp_path: Path) -> None:
    result = run_blocked(("implicit",), ["demo", "--out", "demo_out"], tmp_path)
    line = one_error_line(result)
    assert "[[models]] #6 (als)" in line
    assert "needs implicit" in line and 'pip install "recstack[als]"' in line
    # it stopped before the dataset was generated and described, and wrote nothing
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("blocked", "models", "named", "install"), [
    (("torch",), '[[models]]\ntype = "mf"\nepochs = 1\n', "#2 (mf): the mf model needs PyTorch",
     "recstack[torch]"),
    (("sklearn", "lightgbm"),
     '[[models]]\ntype = "two_stage"\ngenerators = [{type = "most_popular"}]\n'
     'scorers = [{type = "content"}]\n',
     "#2 (two_stage): scorers[0] (content): the content model needs scikit-learn",
     "recstack[content]"),
    (("lightgbm",), '[[models]]\ntype = "two_stage"\ngenerators = [{type = "most_popular"}]\n',
     "#2 (two_stage): ranker (lightgbm): the lightgbm ranker needs LightGBM",
     "recstack[ranking]"),
    (("torch",), '[[models]]\ntype = "two_stage"\ngenerators = [{type = "most_popular"}]\n'
     'ranker = {type = "wide_deep"}\n', "ranker (wide_deep): the wide_deep ranker needs PyTorch",
     "recstack[torch]"),
    (("numba",), '[[models]]\ntype = "blend"\nmembers = [{type = "ease"}, {type = "bpr"}]\n',
     "#2 (blend): members[1] (bpr): the bpr model needs numba", "recstack[bpr]"),
], ids=["torch-model", "two-stage-scorer", "two-stage-default-ranker", "two-stage-torch-ranker",
        "blend-member"])
def test_evaluate_refuses_a_model_without_its_library_before_fitting_any(
        tmp_path: Path, blocked: tuple[str, ...], models: str, named: str,
        install: str) -> None:
    path = experiment(tmp_path, FAILS_AT_FIT + models)
    result = run_blocked(blocked, ["evaluate", path.name, "--out", "out"], tmp_path)
    line = one_error_line(result)
    assert named in line and f'pip install "{install}"' in line, line
    assert not (tmp_path / "out").exists()


def test_fit_refuses_hnsw_index_without_hnswlib_before_fitting(tmp_path: Path) -> None:
    # the model cannot be fitted either (no torch): the index is refused first, up front
    path = experiment(tmp_path, '[[models]]\ntype = "mf"\nepochs = 1\n')
    result = run_blocked(("hnswlib", "torch"), ["fit", path.name, "--model", "mf",
                                                "--registry", "registry", "--index", "hnsw"],
                         tmp_path)
    line = one_error_line(result)
    assert "hnsw needs hnswlib" in line and 'pip install "recstack[serving]"' in line, line
    assert "--index exact" in line
    assert not (tmp_path / "registry" / "mf").exists()


def test_fit_checks_only_the_model_it_fits(tmp_path: Path) -> None:
    # the file's mf (no torch) is not the model fitted: most_popular is published
    path = experiment(tmp_path, '[[models]]\ntype = "most_popular"\n'
                                '[[models]]\ntype = "mf"\n')
    result = run_blocked(("torch", "hnswlib"), ["fit", path.name, "--model", "most_popular",
                                                "--registry", "registry"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "registry" / "most_popular" / "current.json").is_file()


def test_report_static_without_matplotlib_is_refused(tmp_path: Path) -> None:
    from recstack.cli import main

    path = experiment(tmp_path, '[[models]]\ntype = "most_popular"\n')
    assert main(["evaluate", str(path), "--out", str(tmp_path / "results")]) == 0
    result = run_blocked(("matplotlib",), ["report", "results", "--out", "page.html",
                                           "--static"], tmp_path)
    line = one_error_line(result)
    assert "matplotlib" in line and 'pip install "recstack[insight]"' in line, line
    assert not (tmp_path / "page.html").exists()


def test_tune_without_optuna_is_refused_and_checks_only_the_tuned_model(
        tmp_path: Path) -> None:
    path = experiment(tmp_path, '[[models]]\ntype = "item_knn"\n[[models]]\ntype = "mf"\n'
                                '[tune]\nmodel = "item_knn"\nmetric = "ndcg@5"\ntrials = 1\n')
    line = one_error_line(run_blocked(("optuna", "torch"), ["tune", path.name], tmp_path))
    assert "[tune]: tuning needs optuna" in line and 'pip install "recstack[tune]"' in line
    # mf (no torch) is not tuned: the search runs on item_knn
    result = run_blocked(("torch",), ["tune", path.name], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "x.tuned.toml").is_file()


def test_the_table_of_fit_libraries_matches_what_each_model_refuses() -> None:
    # every registered model fitted with every optional library hidden: those that refuse
    # name an extra, which must be the one the table gives; the others must be absent
    script = _RUNNER.replace("from recstack.cli import main\nsys.exit(main(json.loads("
                             "sys.argv[2])))", textwrap.dedent("""
        import re, warnings
        warnings.simplefilter("ignore")
        from recstack.data.synthetic import generate
        from recstack.errors import RecstackError
        from recstack.models import create_model
        from recstack.models.registry import FIT_LIBRARIES, available_models
        data = generate(n_users=60, n_items=40, n_interactions=900, seed=0)
        refused = {}
        for name in available_models():
            params = {"k": 8} if name in ("gf_cf", "bspm") else {}
            try:
                create_model(name, **params).fit(data)
            except RecstackError as error:
                refused[name] = re.findall(r'recstack\\[(\\w+)\\]', str(error))
        print(json.dumps({"refused": refused, "table": {
            name: library.extra for name, library in FIT_LIBRARIES.items()}}))
    """))
    assert "from recstack.cli import main" not in script
    result = subprocess.run([sys.executable, "-c", script,
                             json.dumps(OPTIONAL), "[]"],
                            capture_output=True, text=True, timeout=80)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.splitlines()[-1])
    # two_stage refuses for its default ranker, which has a table of its own
    refused = {name: extras for name, extras in found["refused"].items()
               if name != "two_stage"}
    assert found["refused"]["two_stage"] == ["ranking"]
    assert {name: extras[0] for name, extras in refused.items()} == found["table"]
    assert all(len(extras) == 1 for extras in refused.values()), refused
