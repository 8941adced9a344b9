"""Round 56 (q): without PyTorch, ``recstack pipeline run`` refuses a model that needs it
before any partition is read (as ``evaluate`` does), and a saved two-stage model whose
ranker needs it names that ranker, not "this model".

CI has every extra installed: each case runs in a subprocess whose ``sys.meta_path`` hides
the libraries a base install lacks."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

_BLOCKER = textwrap.dedent("""
    import sys, json
    class Blocker:
        def __init__(self, names):
            self.names = set(names)
        def find_spec(self, fullname, path=None, target=None):
            if fullname.split(".")[0] in self.names:
                raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
            return None
    sys.meta_path.insert(0, Blocker(json.loads(sys.argv[1])))
""")
_CLI = _BLOCKER + "from recstack.cli import main\nsys.exit(main(json.loads(sys.argv[2])))\n"
_LOAD = _BLOCKER + textwrap.dedent("""
    from recstack.errors import RecstackError
    from recstack.models import load_model
    try:
        load_model(sys.argv[2])
    except RecstackError as error:
        print(error)
        sys.exit(2)
""")


def _partitions(folder: Path) -> None:
    from recstack.data.partitioned import write_partitioned
    from recstack.data.synthetic import generate

    data = generate(n_users=60, n_items=40, n_interactions=900, months=2,
                    start="2019-01-01", seed=0)
    write_partitioned(data, folder / "logs", overwrite=True)


def test_pipeline_run_refuses_a_torch_model_before_reading_partitions(tmp_path):
    _partitions(tmp_path)
    (tmp_path / "pipeline.toml").write_text(textwrap.dedent("""\
        name = "shop"
        seed = 0
        [data]
        partitions = "logs"
        [evaluation]
        metric = "ndcg@10"
        [registry]
        root = "registry"
        [model]
        type = "mult_vae"
        """))
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    result = subprocess.run(
        [sys.executable, "-c", _CLI, json.dumps(["torch"]),
         json.dumps(["pipeline", "run", "pipeline.toml"])],
        cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if "error:" in line]
    assert line == ("recstack: error: pipeline.toml: [model] (mult_vae): the mult_vae model "
                    "needs PyTorch, which is not installed; install it with: pip install "
                    '"recstack[torch]"'), line
    # nothing run: no work folder (checks, drift), no registry
    assert result.stdout == ""
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


@pytest.mark.parametrize("ranker", ["wide_deep", "dcn_v2"])
def test_a_saved_torch_ranker_without_torch_is_named(tmp_path, ranker):
    pytest.importorskip("torch")
    from recstack.data.synthetic import generate
    from recstack.models import create_model

    data = generate(n_users=60, n_items=30, n_interactions=900, seed=1)
    model = create_model("two_stage", generators=[{"type": "most_popular"}],
                         ranker={"type": ranker, "epochs": 1})
    model.fit(data).save(tmp_path / "model")
    result = subprocess.run(
        [sys.executable, "-c", _LOAD, json.dumps(["torch", "safetensors"]),
         str(tmp_path / "model")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    said = result.stdout.strip()
    assert said.endswith(f"ranker: the {ranker} ranker needs PyTorch, which is not "
                         'installed; install it with: pip install "recstack[torch]"'), said
    assert "this model" not in said
