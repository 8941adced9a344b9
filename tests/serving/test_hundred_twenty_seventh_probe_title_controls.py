"""Titles holding a NUL or another control character (an escape, a bell) in a Parquet
items file were served as given, where a CSV items file with a NUL is refused: a title is
printable text. The items file is now refused naming the item, its row, the character and
its position, from Python and from ``recstack serve`` (one line, no traceback); tabs and
line breaks (a quoted CSV cell) remain whitespace a title may hold."""

from __future__ import annotations

import pandas as pd
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.errors import DataFormatError  # noqa: E402
from recstack.serving.service import _read_titles  # noqa: E402
from tests.serving.service_helpers import publish, serve_refusal  # noqa: E402


@pytest.mark.parametrize(("title", "named"), [
    ("Heat\x00", "(NUL) at character 5"),
    (b"Heat\x00", "(NUL) at character 5"),  # a binary column: UTF-8 text, NUL and all
    ("\x1b[31mRed", "(U+001B) at character 1"),
    ("Be\x07ll", "(U+0007) at character 3"),
    ("DEL\x7f", "(DEL) at character 4"),
])
def test_a_title_with_a_control_character_is_refused(tmp_path, title, named):
    path = tmp_path / "items.parquet"
    pd.DataFrame({"item_id": [1, 2], "title": ["Alien", title]}).to_parquet(path)
    with pytest.raises(DataFormatError) as raised:
        _read_titles(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: column 'title': the title of item '2' (row 2) is "
                              "not printable text: it holds a control character ")
    assert named in message


def test_tabs_and_line_breaks_are_whitespace_a_title_may_hold(tmp_path):
    path = tmp_path / "items.parquet"
    titles = ["Alien\tDirector's cut", "Heat\n(1995)", "Ran\r\n", "Up\u2028"]
    pd.DataFrame({"item_id": [1, 2, 3, 4], "title": titles}).to_parquet(path)
    assert _read_titles(path) == dict(zip(["1", "2", "3", "4"], titles, strict=True))


def test_recstack_serve_refuses_such_an_items_file_in_one_line(tmp_path, monkeypatch,
                                                               capsys, als, train):
    def started(*_args, **_kwargs):
        raise AssertionError("the server started")

    monkeypatch.setattr("recstack.serving.app.serve", started)
    registry = publish(tmp_path / "registry", als, train)
    items = als.items_.external_ids
    path = tmp_path / "items.parquet"
    pd.DataFrame({"item_id": items, "title": [f"T\x00{i}" for i in items]}).to_parquet(path)
    code = serve_refusal("--registry", registry.root, "--items", str(path))
    err = capsys.readouterr().err
    assert code != 0 and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert f"the title of item '{items[0]}' (row 1) is not printable text" in err
