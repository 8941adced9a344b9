"""``fold_in_users`` with more user ids than item ids and no ``values`` said "values (2)
must have one entry per event", naming a list the caller never gave."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.serving.embedding_store import fold_in_users, open_store


def test_unequal_events_name_only_the_lists_given(tmp_path, als, user, item):
    with open_store(tmp_path / "vectors.db") as store:
        with pytest.raises(ConfigError) as caught:
            fold_in_users(als, store, [user, user], [item])
        assert str(caught.value) == ("events: user_ids (2), item_ids (1) must have one entry "
                                     "per event")
        with pytest.raises(ConfigError) as caught:
            fold_in_users(als, store, [user], [item], [1.0, 2.0])
        assert str(caught.value) == ("events: user_ids (1), item_ids (1) and values (2) must "
                                     "have one entry per event")
