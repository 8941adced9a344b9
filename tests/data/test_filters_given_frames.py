"""A filter's own ``apply`` given a DataFrame names the filter and how to make Interactions;
it used to fail with "'DataFrame' object has no attribute 'user_index'"."""

import pandas as pd
import pytest

from recstack.data.filters import Deduplicate, KCore, MinValue, TimeWindow
from recstack.errors import RecstackError

FRAME = pd.DataFrame({"user_id": [1, 2], "item_id": [1, 2]})


@pytest.mark.parametrize("step, kind", [(KCore(user_min=2), "k_core"),
                                        (MinValue(threshold=3.0), "min_value"),
                                        (TimeWindow(start=0), "time_window"),
                                        (Deduplicate(), "deduplicate")])
def test_a_filter_given_a_data_frame_names_itself_and_the_fix(step, kind):
    with pytest.raises(RecstackError) as caught:
        step.apply(FRAME)
    message = str(caught.value)
    assert message.startswith(f"{kind}(...).apply takes recstack Interactions")
    assert "pandas DataFrame" in message and "Interactions.from_frame(frame)" in message
