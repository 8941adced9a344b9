"""Hundred-thirty-sixth bad-input probe: advice that fits what the user gave.

``ipw_sample_weights(clip=1e-320)`` passed the clip's check (> 0, at most 1), then refused
the rows whose weight 1 / clip is infinite, advising "clip=0.05, the default" to a user
who had given a clip. The clip itself is now refused, naming it and the smallest clip whose
weight float64 holds; the rows' error (with ``clip=None``) says that no clip was given."""

from __future__ import annotations

import pytest

from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.position_bias import ipw_sample_weights


@pytest.mark.parametrize("per", [None, "row"])
@pytest.mark.parametrize("clip", [1e-320, 5e-324, 5e-309])
def test_a_clip_whose_weight_passes_float64_is_refused_as_the_clip(clip, per):
    with pytest.raises(BanditInputError) as caught:
        ipw_sample_weights([1, 2], [1, 1], [1.0, 1e-320], clip=clip, per=per)
    message = str(caught.value)
    assert message.startswith(f"ipw_sample_weights: clip = {clip!r} is too small for its "
                              "weight 1 / clip")
    assert "at least 1e-308" in message and "row" not in message


def test_the_smallest_clip_named_works():
    # 1 / max(1e-320, 1e-308) = 1e308, the clicked row's weight; position 1's is 1
    assert ipw_sample_weights([1, 2], [1, 1], [1.0, 1e-320], clip=1e-308).tolist() == [
        1.0, 1e308]


@pytest.mark.parametrize("per", [None, "row"])
def test_without_a_clip_the_rows_error_says_none_was_given(per):
    with pytest.raises(BanditInputError, match=r"row 1's weight 1 / propensity 1e-320 .*"
                       r"passes float64; clip the propensities \(clip=0\.05, the default; "
                       r"clip=None was given\)"):
        ipw_sample_weights([1, 2], [1, 1], [1.0, 1e-320], clip=None, per=per)

