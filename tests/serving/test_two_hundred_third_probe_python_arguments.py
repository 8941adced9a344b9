"""Two-hundred-third probe, the Python side of the service's other modules: a misspelt
keyword or one positional argument too many to ``VariantAssigner``, ``online_report``,
``check_skew``, ``read_log``, ``ParquetLog``, ``create_app``, the ``commands`` functions
and ``settings_from_options`` was Python's bare ``TypeError`` ("got an unexpected keyword
argument"), naming neither the near name nor what the function takes, where the registry,
the index, the store and the ``Service`` answer a ``ConfigError`` with both. And
``VariantAssigner`` took what the serve settings refuse: a variant named ``" a"`` beside
``"a"`` (two arms that a log reads as one), ``"a b"`` or 500 characters; a user id or salt
holding a lone surrogate (``"\\ud800"``) was Python's ``UnicodeEncodeError`` from the hash.
Each test failed before its fix."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

import pyarrow as pa  # noqa: E402

from recstack.errors import ConfigError, RecstackError  # noqa: E402
from recstack.serving import commands  # noqa: E402
from recstack.serving.app import create_app  # noqa: E402
from recstack.serving.online import online_report, read_events, render_report  # noqa: E402
from recstack.serving.request_log import ParquetLog, read_log  # noqa: E402
from recstack.serving.settings import settings_from_options  # noqa: E402
from recstack.serving.skew import check_skew, render_skew  # noqa: E402
from recstack.serving.variants import VariantAssigner, bucket  # noqa: E402

CALLS = {
    "assigner": (lambda tmp: VariantAssigner(["a", "b"], [0.5, 0.5], shares_=[1.0], salt="s"),
                 "VariantAssigner() has no argument 'shares_' (did you mean 'shares'?)"),
    "assigner-name": (lambda tmp: VariantAssigner(name=["a"], shares=[1.0], salt="s"),
                      "VariantAssigner() has no argument 'name' (did you mean 'names'?); "
                      "it takes VariantAssigner(names, shares, salt)"),
    "assign": (lambda tmp: VariantAssigner(["a"], [1.0], "s").assign(user="7"),
               "VariantAssigner.assign() has no argument 'user' (did you mean 'user_id'?)"),
    "bucket": (lambda tmp: bucket("7", sallt="s"),
               "bucket() has no argument 'sallt' (did you mean 'salt'?)"),
    "online": (lambda tmp: online_report(tmp / "events", controll="a"),
               "online_report() has no argument 'controll' (did you mean 'control'?); it "
               "takes online_report(location, *, control=..., alpha=...)"),
    "events": (lambda tmp: read_events(tmp / "events", "b"),
               "read_events() takes at most 1 positional argument(s) (location), got 2"),
    "skew": (lambda tmp: check_skew(tmp / "logs", tmp / "registry", 1e-4),
             "check_skew() takes at most 2 positional argument(s) (log_dir, registry), "
             "got 3; give tolerance, limit by keyword"),
    "skew-keyword": (lambda tmp: check_skew(tmp / "logs", tmp / "registry", tolerence=0.1),
                     "check_skew() has no argument 'tolerence' (did you mean 'tolerance'?)"),
    "render-skew": (lambda tmp: render_skew(None, shows=5),
                    "render_skew() has no argument 'shows' (did you mean 'show'?)"),
    "read-log": (lambda tmp: read_log(tmp, "requests", requried=["k"]),
                 "read_log() has no argument 'requried' (did you mean 'required'?)"),
    "parquet-log": (lambda tmp: ParquetLog(tmp, "requests", pa.schema([]), rotate_row=5),
                    "ParquetLog() has no argument 'rotate_row' (did you mean "
                    "'rotate_rows'?)"),
    "create-app": (lambda tmp: create_app(setting=None),
                   "create_app() has no argument 'setting' (did you mean 'settings'?)"),
    "evaluation": (lambda tmp: commands.evaluation_of(tmp, lable="als"),
                   "evaluation_of() has no argument 'lable' (did you mean 'label'?)"),
    "batches": (lambda tmp: commands.recommendation_batches(None, None, 10, batch=5),
                "recommendation_batches() has no argument 'batch'"),
    "options": (lambda tmp: settings_from_options(),
                "settings_from_options(): missing 'config'; it takes "
                "settings_from_options(config, *, variants=..."),
}


@pytest.mark.parametrize("call", CALLS, ids=list(CALLS))
def test_a_call_that_does_not_fit_names_the_function_and_the_near_argument(tmp_path, call):
    make, message = CALLS[call]
    with pytest.raises(ConfigError) as caught:
        make(tmp_path)
    assert message in str(caught.value)


def test_the_functions_keep_their_names_and_still_work(tmp_path):
    assert VariantAssigner.__init__.__name__ == "__init__"
    assert check_skew.__name__ == "check_skew"
    assigner = VariantAssigner(["a", "b"], [0.5, 0.5], "s")
    # the bucket of user 7 worked by hand: the first 8 bytes of sha256(b"s:7"), big-endian,
    # over 2**64
    import hashlib

    expected = int.from_bytes(hashlib.sha256(b"s:7").digest()[:8], "big") / 2.0**64
    assert bucket("7", "s") == bucket(user_id="7", salt="s") == expected
    assert assigner.assign("7") == assigner.assign(user_id=7) == ("a" if expected < 0.5
                                                                   else "b")


@pytest.mark.parametrize("names, shown", [
    ([" a", "a"], "' a'"),
    (["a b", "c"], "'a b'"),
    (["a", "x" * 41], "'" + "x" * 41),
    (["a", "b,c"], "'b,c'"),
    (["a", "caf\u00e9"], "'caf\u00e9'"),
    (["a", "\ud800"], "'\\ud800'"),
])
def test_a_variant_name_the_settings_refuse_is_refused_from_python_too(names, shown):
    with pytest.raises(ConfigError) as caught:
        VariantAssigner(names, [0.5, 0.5], "salt")
    message = str(caught.value)
    assert message.startswith(f"variant name {shown}")
    assert "use 1 to 40 letters, digits, '.', '_' or '-'" in message


def test_the_settings_and_python_share_the_one_name_rule(tmp_path):
    from recstack.serving.settings import ServiceSettings

    with pytest.raises(ConfigError, match=r"use 1 to 40 letters, digits, '\.', '_' or '-'"):
        ServiceSettings.create(registry=str(tmp_path), variants=[
            {"name": "a b", "model": "als", "share": 1.0}])
    assert VariantAssigner(["A.1", "b_2", "c-3"], [0.5, 0.25, 0.25], "s").names == \
        ["A.1", "b_2", "c-3"]


@pytest.mark.parametrize("make, start", [
    (lambda: VariantAssigner(["a", "b"], [0.5, 0.5], "s").assign("u\ud800"),
     "user id 'u\\ud800' holds a lone surrogate ('\\ud800') at character 2"),
    (lambda: VariantAssigner(["a", "b"], [0.5, 0.5], "s\udcff"),
     "variant salt 's\\udcff' holds a lone surrogate ('\\udcff') at character 2"),
    (lambda: bucket("\ud83d", "s"),
     "user id '\\ud83d' holds a lone surrogate ('\\ud83d') at character 1"),
])
def test_text_that_is_not_utf8_is_refused_by_name(make, start):
    with pytest.raises(ConfigError) as caught:
        make()
    message = str(caught.value)
    assert message.startswith(start)
    assert "not UTF-8 text" in message and "errors='surrogateescape'" in message


@pytest.mark.parametrize("make, message", [
    (lambda: render_skew({"checked": 1}),
     "render_skew: report must be the SkewReport that check_skew returns, got dict; call "
     "render_skew(check_skew(log_dir, registry))"),
    (lambda: render_report("logs/events"),
     "render_report: report must be the OnlineReport that online_report returns, got str; "
     "call render_report(online_report(location))"),
])
def test_a_render_given_something_other_than_its_report_says_what_it_takes(make, message):
    with pytest.raises(RecstackError) as caught:
        make()
    assert str(caught.value) == message
