"""Hundred-forty-second probe, result files named for no format or a compressed one.

``EvaluationResult.to_json("res")`` wrote JSON into a file named ``res`` without a word,
which nothing opens as JSON by its name (``save_table`` and ``recommend --out`` refuse
such a name); it is still written, as before, with a ``NoExtensionWarning`` naming the
extension to use. ``to_json("r.json.gz")`` was refused with the advice to name the file
``r.json.json``; a compressed extension is now refused naming ``r.json``."""

import warnings

import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.evaluation.results import EvaluationResult, NoExtensionWarning

RESULT = EvaluationResult("ease", pd.DataFrame({"ndcg@10": [0.1, 0.3]},
                                               index=pd.Index([1, 2], name="user_id")))


@pytest.mark.parametrize(("method", "name", "suffix"), [("to_json", "res", ".json"),
                                                        ("to_csv", "res", ".csv")])
def test_a_name_without_extension_is_written_with_a_warning(tmp_path, method, name, suffix):
    with pytest.warns(NoExtensionWarning, match=rf"^ease\.{method}\(path\): '{name}' has no "
                                                rf"extension, .*; name the file \{suffix}, "
                                                rf"e\.g\. res\{suffix}") as caught:
        getattr(RESULT, method)(tmp_path / name)
    assert caught[0].filename == __file__  # points at the caller's line
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_a_right_extension_gives_no_warning(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        RESULT.to_json(tmp_path / "r.json")
        RESULT.to_csv(tmp_path / "r.CSV")


@pytest.mark.parametrize(("name", "problem"), [("res.", "ends with a dot"),
                                               (".json", "is only an extension")])
def test_a_name_that_names_no_plain_file_is_refused(tmp_path, name, problem):
    # written before (with a warning for 'res.'; '.json' as a hidden file): the one rule of
    # output names (recstack.atomic.file_name_problem) now refuses both, writing nothing
    with pytest.raises(RecstackError, match=rf"^ease\.to_json\(path\): .*{problem}"):
        RESULT.to_json(tmp_path / name)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("method", "name", "advice"), [
    ("to_json", "r.json.gz", "r.json"), ("to_csv", "r.csv.gz", "r.csv"),
    ("to_json", "r.bz2", "r.json")])
def test_a_compressed_extension_is_refused_naming_the_plain_name(tmp_path, method, name,
                                                                 advice):
    with pytest.raises(RecstackError, match=rf"^ease\.{method}\(path\): .* ends with "
                                            rf"\.(gz|bz2), but this writes .* uncompressed; "
                                            rf"name the file {advice}$"):
        getattr(RESULT, method)(tmp_path / name)
    assert list(tmp_path.iterdir()) == []
