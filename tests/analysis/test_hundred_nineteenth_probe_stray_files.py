"""Hundred-nineteenth probe: a ``per_user_<label>.csv`` (or ``calibration_<label>.csv``) of
no model in ``results.json`` (a file copied from another run, a model's entry removed by
hand) was silently left out of the report; and when a model's file was missing because it
had been renamed, the error did not say that the folder held it under another name."""

from __future__ import annotations

import shutil
import warnings

import pytest

from recstack.analysis.results_folder import read_results
from recstack.errors import RecstackError


def test_a_per_user_file_of_no_model_is_said_to_be_left_out(results):
    shutil.copy(results / "per_user_most_popular.csv", results / "per_user_als.csv")
    with pytest.warns(UserWarning) as caught:
        folder = read_results(results)
    message = str(caught[0].message)
    assert "per_user_als.csv names no model of results.json" in message
    assert "(models: 'most_popular')" in message and "left out of the report" in message
    assert [r.model for r in folder.results] == ["most_popular"]


def test_a_calibration_file_of_no_model_is_said_to_be_left_out(results):
    (results / "calibration_als.csv").write_text("mean_predicted,observed_rate,count\n")
    with pytest.warns(UserWarning, match=r"calibration_als\.csv names no model"):
        read_results(results)


def test_a_folder_without_stray_files_reads_without_a_warning(results):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_results(results)


def test_a_renamed_per_user_file_is_named_beside_the_missing_one(results):
    (results / "per_user_most_popular.csv").rename(results / "per_user_MostPopular.csv")
    with pytest.raises(RecstackError) as caught:
        read_results(results)
    message = str(caught.value)
    assert "missing per_user_most_popular.csv" in message
    assert "the folder holds per_user_MostPopular.csv, of no model in results.json" in message
