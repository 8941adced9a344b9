"""Every long call refuses a ``progress`` that is not a reporter before its work starts:
``generate(progress=5)`` and the loaders failed deep inside with "'int' object has no
attribute 'task'"."""

import pytest

from recstack.data.synthetic import generate
from recstack.errors import ConfigError
from recstack.progress import SILENT, resolve


@pytest.mark.parametrize("progress", [5, True, "tqdm"])
def test_resolve_refuses_what_is_not_a_reporter(progress):
    with pytest.raises(ConfigError, match=r"^progress=\.\.\. takes a recstack.progress "
                                          r"reporter .* or None, got " + type(progress).__name__):
        resolve(progress)


def test_resolve_keeps_none_as_the_silent_reporter():
    assert resolve(None) is SILENT


def test_the_generator_refuses_a_number_for_progress():
    with pytest.raises(ConfigError, match="got int 5"):
        generate(progress=5)
