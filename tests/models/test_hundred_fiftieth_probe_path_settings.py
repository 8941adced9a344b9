"""Hundred fiftieth bad-input probe, path settings of the models.

``checkpoint_dir`` took only text: ``checkpoint_dir=Path("runs/ck")`` was refused as "must
be str", where ``save(path)`` and ``load_model(path)`` take both. Every path setting of a
model now takes text or any ``os.PathLike``, stored as the text it names (so the model's
parameters stay plain JSON), ``~`` being the home folder where it is used. A NUL character,
which ends the name in the operating system's calls, is refused before training."""

from __future__ import annotations

import json
import os
import pathlib

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("safetensors")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.errors import ConfigError  # noqa: E402
from recstack.models import create_model, load_model  # noqa: E402
from recstack.models.registry import MODELS  # noqa: E402

QUICK = {"dim": 8, "layers": 1, "epochs": 1, "batch_size": 32, "device": "cpu"}


def _path_settings() -> list[tuple[str, str]]:
    found = [(name, param) for name in MODELS.names()
             for param, declared in MODELS.get(name).params.items() if declared.path]
    assert ("lightgcn", "checkpoint_dir") in found  # the search is not vacuous
    return found


@pytest.fixture(scope="module")
def train():
    rng = np.random.default_rng(150)
    return Interactions.from_arrays(rng.integers(0, 12, 120), rng.integers(0, 9, 120),
                                    np.ones(120), np.arange(120))


@pytest.mark.parametrize(("name", "param"), _path_settings())
@pytest.mark.parametrize("kind", [pathlib.Path, pathlib.PurePosixPath])
def test_every_path_setting_takes_a_path_object_stored_as_text(name, param, kind):
    model = create_model(name, **{param: kind("runs/ck")})
    model.validate_params()
    assert getattr(model, param) == "runs/ck"
    assert type(getattr(model, param)) is str
    json.dumps(model.get_params())  # plain JSON, as every setting


@pytest.mark.parametrize(("name", "param"), _path_settings())
def test_a_path_set_after_construction_is_stored_the_same(name, param):
    model = create_model(name)
    setattr(model, param, pathlib.Path("runs") / "ck")
    model.validate_params()
    assert getattr(model, param) == os.path.join("runs", "ck")


@pytest.mark.parametrize(("name", "param"), _path_settings())
@pytest.mark.parametrize("value", ["a\0b", pathlib.PurePosixPath("a\0b")])
def test_a_nul_character_is_refused_before_training(name, param, value):
    with pytest.raises(ConfigError, match=rf"{name}: {param} must be a folder path .*without "
                                          r"a NUL character"):
        create_model(name, **{param: value}).validate_params()


@pytest.mark.parametrize(("name", "param"), _path_settings())
@pytest.mark.parametrize("value", [5, b"runs/ck", "   "])
def test_other_values_are_still_refused_naming_the_setting(name, param, value):
    with pytest.raises(ConfigError, match=rf"{name}: {param} must be .*text or pathlib\.Path"):
        create_model(name, **{param: value}).validate_params()


def test_a_checkpoint_folder_given_as_a_path_is_written_and_resumed(tmp_path, train):
    folder = tmp_path / "run"
    first = create_model("lightgcn", **QUICK, checkpoint_dir=folder).fit(train)
    assert (folder / "state.json").is_file()
    again = create_model("lightgcn", **QUICK, checkpoint_dir=str(folder)).fit(train)
    # the same folder by text resumes the run the Path started: the same vectors
    np.testing.assert_array_equal(first.item_factors_, again.item_factors_)
    first.save(tmp_path / "model")
    assert load_model(tmp_path / "model").checkpoint_dir == str(folder)


def test_a_checkpoint_path_with_a_tilde_is_under_the_home_folder(tmp_path, train,
                                                                 monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    create_model("lightgcn", **QUICK, checkpoint_dir=pathlib.Path("~") / "run").fit(train)
    assert (tmp_path / "run" / "state.json").is_file()
    assert not (tmp_path / "~").exists()  # no folder named "~" in the working folder
