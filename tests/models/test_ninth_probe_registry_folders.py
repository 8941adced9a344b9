"""Ninth bad-input probe: ``load_model`` given a folder of a model registry.

After the README's ``recstack fit ... --registry models/``, ``load_model("models/als")``
(or a version folder, or the registry itself) said only "not a saved recstack model
(missing model.json ...)": the error now says what the folder is and the call that loads
the model from it."""
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model, load_model
from recstack.serving.registry import ModelRegistry


@pytest.fixture
def registry(tmp_path):
    data = Interactions.from_arrays([1, 1, 2, 3], [7, 8, 7, 9], None)
    registry = ModelRegistry(tmp_path / "models")
    registry.publish("pop", create_model("most_popular").fit(data), data=data, index=None)
    return tmp_path / "models"


def test_a_model_name_folder_points_to_the_registry_load(registry):
    with pytest.raises(RecstackError, match=r"it is a model name in a registry: load its "
                                            r"current version with ModelRegistry\('.*models'\)"
                                            r"\.load\('pop'\)"):
        load_model(registry / "pop")


def test_a_version_folder_points_to_its_model_folder(registry):
    version = registry / "pop" / "versions" / "00000001"
    with pytest.raises(RecstackError, match=r"it is a registry version: load its model with "
                                            r"load_model\('.*00000001/model'\).*"
                                            r"\.load\('pop@1'\)"):
        load_model(version)
    # the way out it names works, and the registry's own load agrees
    assert load_model(version / "model").get_params() == \
        ModelRegistry(registry).load("pop@1").model.get_params()


def test_the_registry_folder_names_a_model_in_it(registry):
    with pytest.raises(RecstackError, match=r"it is a model registry: load a model with "
                                            r"ModelRegistry\('.*models'\)\.load\('pop'\)"):
        load_model(registry)
