"""Hundred-thirty-ninth probe: a whole number of more than 4,300 digits in a results.json
or a pipeline's report.json (a hand edit, a paste gone wrong). Python refuses to read such
an integer, and its ValueError ("Exceeds the limit (4300 digits) for integer string
conversion ... use sys.set_int_max_str_digits()") came out of the results folder as if it
were a bare NaN ("recstack writes null for a value it has not; write null there"), and
out of the pipeline report with Python's advice to raise its limit. Both now name the
file and the number by its length. So do the analysis functions given such an integer as
``k`` or ``n_components`` from Python (their refusals wrote it out: a raw ValueError)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from recstack.analysis.embeddings import pca_analysis
from recstack.analysis.neighbours import (
    cosine_top_k,
    nearest_neighbours,
    neighbourhood_coherence,
)
from recstack.analysis.pipeline_report import write_pipeline_report
from recstack.analysis.results_folder import read_results
from recstack.errors import RecstackError

LONG = "9" * 5001


def _fill(template: str, *values: str) -> str:
    """``template`` with its ``%s`` replaced by ``values`` (JSON written with braces)."""
    return template % values


def test_a_long_integer_in_results_json_is_named_by_its_length(results: Path):
    path = results / "results.json"
    text = path.read_text(encoding="utf-8")
    edited, count = re.subn(r'"seed": -?\d+', f'"seed": {LONG}', text, count=1)
    assert count == 1
    path.write_text(edited, encoding="utf-8")
    with pytest.raises(RecstackError) as caught:
        read_results(results)
    message = str(caught.value)
    assert message.startswith(f"{path}: a 5,001-digit integer is too long")
    assert "write null" not in message and "set_int_max_str_digits" not in message
    assert "\n" not in message


def test_a_long_integer_in_a_pipeline_report_is_named_by_its_length(tmp_path: Path):
    run = tmp_path / "runs" / "1"
    (run / "report").mkdir(parents=True)
    source = run / "report" / "report.json"
    source.write_text(_fill('{"pipeline": "p", "run": %s}', LONG), encoding="utf-8")
    with pytest.raises(RecstackError) as caught:
        write_pipeline_report(run)
    message = str(caught.value)
    assert message.startswith(f"{source}: not valid JSON (a 5,001-digit integer")
    assert "set_int_max_str_digits" not in message
    assert not (run / "report" / "report.html").exists()


HUGE = 10**5000
VECTORS = np.random.default_rng(0).normal(size=(20, 4))


@pytest.mark.parametrize("sign", [1, -1])
@pytest.mark.parametrize("call", [
    lambda k: nearest_neighbours(VECTORS, [0, 1], k=k),
    lambda k: cosine_top_k(VECTORS, [0], k),
    lambda k: neighbourhood_coherence(VECTORS, ["a", "b"] * 10, k=k),
], ids=["nearest_neighbours", "cosine_top_k", "neighbourhood_coherence"])
def test_a_k_of_thousands_of_digits_is_refused_naming_it(call, sign):
    # Python's raw "Exceeds the limit (4300 digits)" ValueError, from writing the message
    with pytest.raises(RecstackError, match="a 5,001-digit integer"):
        call(sign * HUGE)


def test_n_components_of_thousands_of_digits():
    with pytest.raises(RecstackError, match="^n_components must be a whole number >= 1, got "
                       "a 5,001-digit integer$"):
        pca_analysis(VECTORS, n_components=-HUGE)
    # a huge one is more than the dimensions: kept to them, with the usual note
    with pytest.warns(UserWarning, match="n_components=a 5,001-digit integer asks for more"):
        analysis = pca_analysis(VECTORS, n_components=HUGE)
    assert analysis.components.shape == (VECTORS.shape[1], VECTORS.shape[1])
