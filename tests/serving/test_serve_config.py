"""recstack serve's files and plug-ins given wrongly are one-line errors naming them (an
admin token file that is not UTF-8 was a UnicodeDecodeError traceback; a stage path naming
something that is not a factory of the settings, a TypeError traceback)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import publish, serve_refusal  # noqa: E402


@pytest.fixture
def registry(tmp_path, als, train):
    return publish(tmp_path / "registry", als, train)


@pytest.fixture
def never_started(monkeypatch):
    def started(*_args, **_kwargs):
        raise AssertionError("the server started")  # rather than block the test run

    monkeypatch.setattr("recstack.serving.app.serve", started)


def _serve(capsys, registry, *flags):
    code = serve_refusal("--registry", registry.root, *map(str, flags))
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and err.count("\n") == 1, err
    return err


def test_an_admin_token_file_that_is_not_utf8_is_named(tmp_path, registry, capsys,
                                                       never_started):
    token = tmp_path / "token"
    token.write_bytes(b"\xff\xfe" + b"t" * 40)
    err = _serve(capsys, registry, "--admin-token-file", token)
    assert (f"argument --admin-token-file: {token}: "
            "not UTF-8 text (invalid start byte at byte 0)") in err


@pytest.mark.parametrize("stage, called", [
    ("os:system", "expected str, bytes or os.PathLike object, not ServiceSettings"),
    ("os:sep", "'str' object is not callable"),
])
def test_a_stage_that_is_not_a_factory_of_the_settings_is_named(tmp_path, registry, capsys,
                                                                never_started, stage, called):
    config = tmp_path / "serve.json"
    config.write_text(f'{{"stages": ["{stage}"]}}')
    err = _serve(capsys, registry, "--config", config)
    assert f"stage {stage!r}: is not a factory taking the settings (calling it raised " \
           f"TypeError: {called})" in err
