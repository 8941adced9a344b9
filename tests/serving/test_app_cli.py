"""`recstack serve` refuses bad settings in one line before any server starts."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import publish, serve_refusal  # noqa: E402


@pytest.mark.parametrize(("arguments", "message"), [
    (["--model", "nope"], "no model named 'nope' (names: als)"),
    (["--model", "als@7"], "als@7 does not exist (versions: [1])"),
    (["--variant", "a=als:0.4", "--variant", "b=als:0.5"],
     "variant shares must sum to 1, got [0.4, 0.5] (sum 0.9), 0.1 short of 1"),
    (["--variant", "a=als"], "write NAME=MODEL:SHARE"),
    (["--unknown-user", "popular", "--model", "als", "--variant", "a=als:1"],
     "give either model or variants"),
])
def test_serve_refuses_bad_settings_in_one_line(tmp_path, als, train, capsys, arguments,
                                                message):
    registry = publish(tmp_path / "registry", als, train)
    assert serve_refusal("--registry", registry.root, *arguments) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_serve_refuses_a_short_admin_token(tmp_path, als, train, capsys):
    registry = publish(tmp_path / "registry", als, train)
    token = tmp_path / "token"
    token.write_text("short")
    assert serve_refusal("--registry", registry.root, "--admin-token-file", str(token)) == 2
    assert "field 'admin_token': must be at least 32 characters" in capsys.readouterr().err
