"""A cache folder that cannot be made because a file stands in its path: the message names
that file (it said only "Not a directory")."""

import pytest

from recstack.data.fetch import fetch
from recstack.errors import RecstackError


@pytest.mark.parametrize("below", ["", "deeper"])
def test_a_file_in_the_cache_path_is_named(tmp_path, below):
    blocker = tmp_path / "cache"
    blocker.write_text("a file\n")
    cache = blocker / below if below else blocker
    # refused before any download: the url is never opened
    with pytest.raises(RecstackError) as error:
        fetch("movielens-100k", cache_dir=cache, url="http://127.0.0.1:9/none.zip",
              sha256="0" * 64)
    message = str(error.value)
    assert f"{blocker} is a file, not a folder" in message
    assert "cache folder" in message
    assert blocker.read_text() == "a file\n"
