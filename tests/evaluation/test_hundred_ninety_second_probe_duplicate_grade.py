"""Evaluator's duplicate_grade given as an array is refused in its own words (it was
numpy's "truth value ... is ambiguous"); a misspelt one is told the near name, and a numpy
name is stored as Python's text."""

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.evaluation.evaluator import Evaluator


def test_an_array_of_grades_is_refused_naming_the_setting():
    with pytest.raises(ConfigError, match=r"duplicate_grade must be one of last, first, max, "
                       r"mean, got array\(\['last', 'first'\], dtype='<U5'\)$"):
        Evaluator(duplicate_grade=np.array(["last", "first"]))


def test_a_misspelt_grade_is_told_the_near_name():
    with pytest.raises(ConfigError, match=r"got 'Last' \(did you mean 'last'\?\)$"):
        Evaluator(duplicate_grade="Last")


def test_a_numpy_name_is_stored_as_text():
    grade = Evaluator(duplicate_grade=np.str_("max")).duplicate_grade
    assert grade == "max" and type(grade) is str
