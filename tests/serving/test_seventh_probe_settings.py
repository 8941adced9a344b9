"""Seventh bad-input probe of the service settings: an admin token file saved with a
byte-order mark, or holding more than the token."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.serving.settings import settings_from_options

TOKEN = "t" * 40


@pytest.mark.parametrize("content", [
    b"\xef\xbb\xbf" + TOKEN.encode() + b"\r\n",  # Notepad's UTF-8: a BOM and CRLF
    b"\xef\xbb\xbf" + TOKEN.encode(),
])
def test_a_token_file_with_a_byte_order_mark_holds_the_token(tmp_path, content):
    path = tmp_path / "token"
    path.write_bytes(content)
    # before: refused as "characters other than printable ASCII" (the invisible BOM)
    settings = settings_from_options(None, registry=str(tmp_path), admin_token_file=path)
    assert settings.admin_token.get_secret_value() == TOKEN


def test_a_token_file_of_several_lines_says_so(tmp_path):
    path = tmp_path / "token"
    path.write_text(f"# the admin token\n{TOKEN}\n")
    # before: "holds characters other than printable ASCII" (the line break)
    with pytest.raises(ConfigError, match=rf"^--admin-token-file {path}: holds 2 lines; the "
                                          r"file holds the token alone, on one line$"):
        settings_from_options(None, registry=str(tmp_path), admin_token_file=path)
