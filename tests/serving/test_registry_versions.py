"""Registry version numbers from every door: a reference's text, a Python argument, the
``current`` alias and the folders on disk. A version folder is its number in 8 digits, so
1..99,999,999 are the only numbers a version can have."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.errors import ConfigError
from recstack.serving.registry import CorruptVersionError, ModelRegistry, parse_reference

LARGEST = 99_999_999


@pytest.fixture
def registry(tmp_path, popular, train):
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("pop", popular, data=train)
    return registry


# '³' passes str.isdigit but int() refuses it; '٣' (Arabic-Indic three) int() reads as 3
@pytest.mark.parametrize("reference", ["pop@³", "pop@٣", "pop@1" + "0" * 8,
                                       "pop@" + "9" * 300])
def test_a_reference_whose_version_is_not_1_to_99999999_in_ascii_digits_is_refused(
        registry, reference):
    for attempt in (lambda: parse_reference(reference), lambda: registry.load(reference)):
        with pytest.raises(ConfigError, match=f"{reference[:12]}.*'@' must be a whole number "
                                              f"from 1 to {LARGEST}"):
            attempt()


def test_the_largest_version_is_a_valid_reference():
    assert parse_reference(f"pop@{LARGEST}") == ("pop", LARGEST)


@pytest.mark.parametrize("reference", [None, 3, b"pop"])
def test_a_reference_that_is_not_text_is_refused_naming_its_type(registry, reference):
    # str(None) used to become the model name 'None'
    with pytest.raises(ConfigError, match=f"reference is text.*got {type(reference).__name__}"):
        registry.load(reference)


@pytest.mark.parametrize("method", ["load", "manifest", "set_current", "rollback"])
def test_a_version_argument_beyond_the_folder_format_is_a_config_error(registry, method):
    # 10**300 was a file name too long (OSError) from the storage
    call = getattr(registry, method)
    for version in (10**300, LARGEST + 1):
        with pytest.raises(ConfigError, match=f"version must be a whole number from 1 to "
                                              f"{LARGEST}, got {str(version)[:20]}"):
            call("pop", version)


@pytest.mark.parametrize("alias", ['{"version": 1' + "0" * 300 + ', "history": []}',
                                   '{"version": -5, "history": []}',
                                   '{"version": 1, "history": [0]}'])
def test_an_alias_pointing_at_an_impossible_version_is_damaged(registry, alias):
    (Path(registry.root) / "pop" / "current.json").write_text(alias)
    for attempt in (lambda: registry.current("pop"), lambda: registry.load("pop"),
                    lambda: registry.rollback("pop")):
        with pytest.raises(CorruptVersionError, match="pop/current.json is damaged"):
            attempt()


def test_a_stray_folder_named_with_non_ascii_digits_is_not_a_version(registry):
    # '0000000³' is 8 characters that str.isdigit accepts and int() refuses
    (Path(registry.root) / "pop" / "versions" / "0000000³").mkdir()
    (Path(registry.root) / "pop" / "versions" / "0000000٣").mkdir()
    assert registry.versions("pop") == [1]
    assert registry.names() == ["pop"]


def test_a_reload_through_an_alias_of_an_impossible_version_keeps_serving(registry, popular):
    pytest.importorskip("fastapi", reason="the service tests need the serving extra")
    from tests.serving.service_helpers import TOKEN, client, settings

    auth = {"Authorization": f"Bearer {TOKEN}"}
    with client(settings(registry, admin_token=TOKEN)) as http:
        (Path(registry.root) / "pop" / "current.json").write_text(
            '{"version": 1' + "0" * 300 + ', "history": []}')
        reloaded = http.post("/admin/reload", headers=auth)  # was a 500 (file name too long)
        beyond = http.post("/admin/reload", headers=auth, json={"version": LARGEST + 1})
        user = str(popular.users_.external_ids[0])
        still = http.get(f"/users/{user}/recommendations")
    assert reloaded.status_code == 409, reloaded.text
    assert "current.json is damaged" in reloaded.json()["detail"]
    assert "still serving pop@1" in reloaded.json()["detail"]
    assert beyond.status_code == 422
    assert beyond.json()["detail"][0]["loc"] == ["body", "version"]
    assert still.status_code == 200 and still.json()["model"] == "pop@1"


def test_the_registry_and_the_recommend_command_need_no_serving_extra():
    # fit --registry and recommend run without pydantic (the serving extra): the version
    # bound lives in the registry, the context bound outside the request schemas
    import subprocess
    import sys

    code = ("import sys; sys.modules['pydantic'] = None; sys.modules['fastapi'] = None; "
            "import recstack.serving.registry, recstack.serving.commands; "
            "print(recstack.serving.registry.MAX_VERSION)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(LARGEST)


def test_a_version_folder_copied_under_another_number_or_name_is_refused(registry):
    import shutil

    versions = Path(registry.root) / "pop" / "versions"
    shutil.copytree(versions / "00000001", versions / "00000002")
    shutil.copytree(Path(registry.root) / "pop", Path(registry.root) / "other")
    # every file checks out against the manifest, which says pop@1
    with pytest.raises(CorruptVersionError, match="pop@2: its manifest is of pop@1; the "
                                                  "folder was copied or renamed by hand"):
        registry.load("pop@2")
    with pytest.raises(CorruptVersionError, match="other@1: its manifest is of pop@1"):
        registry.load("other@1")
    assert registry.load("pop@1").version == 1
