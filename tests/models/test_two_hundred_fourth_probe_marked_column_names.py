"""An item-table column the content models read, written with an invisible mark or in
full-width letters: a CSV read without ``encoding="utf-8-sig"`` names its first column
``"\\ufefftitle"``, and the content and two-tower models left that column out of every
item's text without a word (``"Title"`` and ``" title"`` were refused already). They are
now refused the same way, naming the column as written and the name to give it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("sklearn", reason="scikit-learn is not installed: recstack[content]")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.errors import RecstackError  # noqa: E402
from recstack.models import create_model  # noqa: E402

TITLES = ["space opera", "space war", "love story", "love war"]


def _train(table):
    users = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    items = np.array([0, 1, 1, 2, 2, 3, 3, 0])
    return Interactions.from_arrays(users, items, item_table=table)


@pytest.mark.parametrize(("written", "name"), [
    ("\ufefftitle", "title"),          # a byte-order mark
    ("ti\u200btle", "title"),          # a zero-width space
    ("\uff47\uff45\uff4e\uff52\uff45\uff53", "genres"),  # full-width letters
])
def test_content_refuses_a_marked_text_column(written, name):
    values = TITLES if name == "title" else [["Drama"], ["Drama"], ["Comedy"], ["War"]]
    table = pd.DataFrame({"item_id": range(4), "description": TITLES, written: values})
    with pytest.raises(RecstackError) as caught:
        create_model("content").fit(_train(table))
    assert str(caught.value) == (
        f"content: the item table has a column {written!r} but no {name!r}; the model "
        "reads 'title', 'genres', 'tags', 'description' by these exact names and would "
        f"leave {written!r} out of the items' text; rename it to {name!r}")


def test_new_item_rows_with_a_marked_column_are_refused_too():
    table = pd.DataFrame({"item_id": range(4), "title": TITLES})
    model = create_model("content").fit(_train(table))
    rows = pd.DataFrame({"item_id": [9], "\ufefftitle": ["space love"]})
    with pytest.raises(RecstackError, match=r"has a column '\\ufefftitle' but no 'title'"):
        model.score_new_items([0], rows)


def test_two_tower_refuses_a_marked_text_column():
    pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")
    table = pd.DataFrame({"item_id": range(4), "\ufefftitle": TITLES})
    model = create_model("two_tower", epochs=1, device="cpu")
    with pytest.raises(RecstackError, match=r"^two_tower: the item table has a column "
                                            r"'\\ufefftitle' but no 'title'"):
        model.fit(_train(table))
