"""Two-tower's ``embed_items``/``score_new_items`` refuse a column it reads written another
way (``TITLE``, ``Genres``) saying to rename it, as the content model does: the refusal
said the rows "lack the column 'genres'" while they held ``GENRES``. A column the model
was not fitted with is not asked for."""

import warnings

import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")

from recstack.data.synthetic import generate  # noqa: E402
from recstack.errors import RecstackError  # noqa: E402
from recstack.models import create_model  # noqa: E402


@pytest.fixture(scope="module")
def fitted():
    data = generate(n_users=60, n_items=40, n_interactions=800, seed=0).implicit()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = create_model("two_tower", dim=8, hidden=16, epochs=1, batch_size=128,
                             text_dim=8, device="cpu").fit(data)
    return model, data.item_table.reset_index(drop=True)


@pytest.mark.parametrize(("written", "meant"), [("GENRES", "genres"), ("Title", "title"),
                                                ("description ", "description")])
def test_a_read_column_written_another_way_is_refused_saying_the_rename(fitted, written,
                                                                        meant):
    model, table = fitted
    rows = table.head(3).rename(columns={meant: written})
    with pytest.raises(RecstackError, match=rf"^two_tower: the item table has a column "
                                            rf"'{written}' but no '{meant}'.*rename it to "
                                            rf"'{meant}'$"):
        model.embed_items(rows)
    with pytest.raises(RecstackError, match=rf"rename it to '{meant}'"):
        model.score_new_items([model.users_.external_ids[0]], rows)


def test_a_column_the_model_does_not_read_is_not_asked_for(fitted):
    model, table = fitted
    assert "tags" not in model.content_.read_columns
    rows = table.head(3).assign(Tags="x")
    assert model.embed_items(rows).shape == (3, 8)
