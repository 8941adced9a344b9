"""Paths that are not what they should be, given to the serving commands: a symbolic link
that loops read as "no such folder" (or listed a registry of no names), one that leads
nowhere likewise, and a named pipe read as "is a file" or, read as a file, waited forever
for a writer (--config, --admin-token-file, a results.json, a log file). Each is refused
by what it is, in the words of the experiment files' checks."""

from __future__ import annotations

import os
import re

import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.serving.commands import evaluation_of, open_artifact
from recstack.serving.embedding_store import SQLiteEmbeddingStore, open_store
from recstack.serving.online import read_events
from recstack.serving.registry import ModelRegistry
from recstack.serving.request_log import make_log_folder, read_log
from recstack.serving.settings import settings_from_options
from tests.serving.service_helpers import serve_refusal

LOOP = re.escape("is a symbolic link that loops (it leads back to itself)")
NOWHERE = re.escape("is a symbolic link to 'nowhere', which does not exist")
PIPE = re.escape("is a pipe, socket or device, not a")


@pytest.fixture(params=["loop", "dangling", "fifo"])
def odd(request, tmp_path):
    """(a path that is the odd thing, what the message says it is)."""
    path = tmp_path / request.param
    if request.param == "loop":
        os.symlink(path.name, path)
        return path, LOOP
    if request.param == "dangling":
        os.symlink("nowhere", path)
        return path, NOWHERE
    os.mkfifo(path)
    return path, PIPE


def test_a_registry_root_is_refused_by_what_it_is(odd):
    path, said = odd
    with pytest.raises(ConfigError, match=f"registry {path}: {said}"):
        ModelRegistry(path)


def test_a_saved_model_path_is_refused_by_what_it_is(odd):
    path, said = odd
    with pytest.raises(RecstackError, match=f"{path}: {said}.*saved model folder"):
        open_artifact(path)


def test_a_results_file_is_refused_without_waiting_for_a_writer(odd):
    path, said = odd
    with pytest.raises(RecstackError, match=f"{path}: {said}.*results.json"):
        evaluation_of(path, "als")


@pytest.mark.parametrize("flag", ["config", "admin_token_file"])
def test_a_settings_file_is_refused_without_waiting_for_a_writer(odd, flag):
    path, said = odd
    shown = "--" + flag.replace("_", "-")
    with pytest.raises(ConfigError, match=f"{shown} {path}: {said}"):
        if flag == "config":
            settings_from_options(path, registry=str(path.parent))
        else:
            settings_from_options(None, admin_token_file=path, registry=str(path.parent))


def test_an_event_log_location_is_refused_by_what_it_is(odd):
    path, said = odd
    with pytest.raises(RecstackError, match=f"{path}: {said}.*log_dir"):
        read_events(path)


def test_a_log_folder_is_refused_by_what_it_is(odd):
    path, said = odd
    with pytest.raises(RecstackError, match=f"{path}: {said}.*log_dir"):
        read_log(path, "requests")


def test_a_log_file_in_the_folder_that_is_a_pipe_or_loop_is_named(tmp_path):
    folder = tmp_path / "requests"
    folder.mkdir()
    os.mkfifo(folder / "requests-00000001.parquet")
    with pytest.raises(RecstackError, match=f"requests-00000001.parquet: {PIPE} file; move "
                                            "it out"):
        read_log(folder, "requests")


def test_a_log_dir_that_cannot_be_made_says_what_is_in_the_way(odd):
    path, said = odd
    with pytest.raises(ConfigError, match=f"cannot be created \\({path} {said}"):
        make_log_folder(path / "requests")


@pytest.mark.parametrize("name", ["loop", "loop.db"])
def test_a_store_that_is_a_looping_link_is_refused(tmp_path, name):
    path = tmp_path / name
    os.symlink(path.name, path)
    with pytest.raises(ConfigError, match=f"embedding store {path}: {LOOP}"):
        open_store(str(path))


def test_a_store_that_is_a_pipe_is_refused_not_served_around(tmp_path):
    path = tmp_path / "vectors.db"
    os.mkfifo(path)
    # it was SQLite's "disk I/O error", an outage: the service started without the store
    with pytest.raises(ConfigError, match=f"embedding store {path}: {PIPE} file"):
        SQLiteEmbeddingStore(path)


def test_a_store_named_by_a_link_to_nothing_says_so(tmp_path):
    path = tmp_path / "vectors"
    os.symlink("nowhere", path)
    with pytest.raises(ConfigError, match=f"'{path}': {NOWHERE}, and it has no file ext"):
        open_store(str(path))


def test_the_command_line_names_a_looping_registry(tmp_path, capsys):

    link = tmp_path / "models"
    os.symlink(link.name, link)
    with pytest.raises(SystemExit) as stop:  # the parser's refusal of the option
        serve_refusal("--registry", str(link))
    assert stop.value.code == 2
    err = capsys.readouterr().err
    # it was "holds 0 model names (none)", then "registry LINK: ..." naming no option
    assert re.search(f"argument --registry: {link}: {LOOP}", err)
    assert len(err.strip().splitlines()) == 1


def test_an_item_index_folder_is_refused_by_what_it_is(odd):
    from recstack.serving.ann import ItemIndex

    path, said = odd
    # a loop and a link to nothing were "not a saved item index (no index.json)"
    with pytest.raises(RecstackError, match=f"{path}: {said}.*an item index is a folder"):
        ItemIndex.load(path)


def test_a_name_whose_versions_are_gone_is_not_none_yet(tmp_path, popular, train):
    from recstack.serving.service import Service
    from recstack.serving.settings import ServiceSettings
    from recstack.serving.telemetry import ServiceMetrics

    registry = ModelRegistry(tmp_path / "models")
    registry.publish("pop", popular, data=train)
    # the versions folder moved away by hand: it read "none yet", as an empty registry
    (tmp_path / "models" / "pop" / "versions").rename(tmp_path / "elsewhere")
    held = registry.names_held()
    assert held.startswith("names: none with a complete version; pop has no versions/")
    with pytest.raises(ConfigError, match="holds no model to serve \\(names: none with a "
                                          "complete version; pop has"):
        Service(ServiceSettings(registry=str(tmp_path / "models")), ServiceMetrics())


def test_an_empty_registry_is_not_told_to_choose_a_name(tmp_path):
    from recstack.serving.service import Service
    from recstack.serving.settings import ServiceSettings
    from recstack.serving.telemetry import ServiceMetrics

    (tmp_path / "models").mkdir()
    # it was "holds 0 model names (none); choose one with --model NAME"
    with pytest.raises(ConfigError, match=r"holds no model to serve \(names: none yet\); "
                                          "publish one there first"):
        Service(ServiceSettings(registry=str(tmp_path / "models")), ServiceMetrics())
