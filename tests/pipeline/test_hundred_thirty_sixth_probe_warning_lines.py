"""Hundred-thirty-sixth bad-input probe: warnings point at the user's line.

A value float32 changes in a hand-built :class:`FeatureFrame` was warned of at
``<string>``, the ``__init__`` Python writes for a dataclass (its ``__post_init__`` warns),
not at the line that built the frame; the Bayesian model's fixed ``stacklevel`` pointed one
frame past the user's ``partial_fit`` and inside recstack for ``predict_proba_map``. Every
warning of the ranking pipeline now points at the first line outside recstack (a
dataclass ``__init__`` of a recstack class counts as recstack's; a user's own ``exec``
code, also ``<string>``, does not)."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import InexactValueWarning
from recstack.pipeline.bayesian import BayesianLogisticRegression
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

SCHEMA = FeatureSchema((Feature("count", "numeric"),))
#: 2**24 + 1: the first whole number float32 cannot hold
BEYOND = np.array([[16_777_217.0], [1.0]])


def build() -> FeatureFrame:
    return FeatureFrame(SCHEMA, BEYOND, np.zeros((2, 0), np.int32), [0, 0], [0, 1], [0, 0])


def recorded(call) -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return list(caught)


def test_a_frame_s_inexact_value_is_warned_of_at_the_line_that_built_it():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = inspect.currentframe().f_lineno + 1
        FeatureFrame(SCHEMA, BEYOND, np.zeros((2, 0), np.int32), [0, 0], [0, 1], [0, 0])
    [warning] = [w for w in caught if issubclass(w.category, InexactValueWarning)]
    assert (warning.filename, warning.lineno) == (__file__, line)
    assert "16777217" in str(warning.message) and "'count'" in str(warning.message)


def test_a_user_dataclass_extending_the_frame_is_pointed_at_too():
    from dataclasses import dataclass

    @dataclass
    class Tagged(FeatureFrame):
        tag: str = ""

    caught = recorded(lambda: Tagged(SCHEMA, BEYOND, np.zeros((2, 0), np.int32), [0, 0],
                                     [0, 1], [0, 0], tag="x"))
    [warning] = [w for w in caught if issubclass(w.category, InexactValueWarning)]
    assert warning.filename == __file__


def test_a_user_s_exec_code_is_the_user_s_line():
    # code the user runs through exec (or python -c) is named "<string>" as well: it is
    # the user's, and the warning stays there
    code = compile("build()\n", "<string>", "exec")
    caught = recorded(lambda: exec(code, {"build": build}))
    [warning] = [w for w in caught if issubclass(w.category, InexactValueWarning)]
    assert warning.filename == __file__  # build() itself is defined in this file
    inner = compile("FeatureFrame(SCHEMA, BEYOND, np.zeros((2, 0), np.int32), [0, 0], "
                    "[0, 1], [0, 0])\n", "<string>", "exec")
    caught = recorded(lambda: exec(inner, {"FeatureFrame": FeatureFrame, "SCHEMA": SCHEMA,
                                           "BEYOND": BEYOND, "np": np}))
    [warning] = [w for w in caught if issubclass(w.category, InexactValueWarning)]
    assert warning.filename == "<string>"


X = pd.DataFrame(np.random.default_rng(0).normal(size=(30, 2)), columns=["a", "b"])
Y = (X["a"] > 0).astype(int).to_numpy()


@pytest.mark.parametrize("method", ["partial_fit", "predict_proba", "predict_proba_map",
                                    "decision_function"])
def test_the_model_s_positional_warning_points_at_the_call(method):
    model = BayesianLogisticRegression().fit(X, Y)
    arguments = (X.to_numpy(), Y) if method == "partial_fit" else (X.to_numpy(),)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = inspect.currentframe().f_lineno + 1
        getattr(model, method)(*arguments)
    [warning] = [w for w in caught if "no column names" in str(w.message)]
    assert (warning.filename, warning.lineno) == (__file__, line)

