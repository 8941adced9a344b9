"""Vector widths (``factors``, ``dim``, ``hidden``, NeuMF's ``layers``) are bounded by
MAX_FACTORS in every model's declaration, so ``validate_params`` (and so the first step of
``fit``, before the data is read) refuses a wider one naming it. ALS, BPR, MF, NeuMF and
two-tower declared no bound and checked it only deep in ``fit``, after estimating memory:
``validate_params`` passed ``factors=2**40``, and ``fit`` read the whole training data
before saying so."""

import pytest

from recstack.errors import ConfigError
from recstack.models import available_models, create_model
from recstack.models.base import MAX_FACTORS, REQUIRED
from recstack.models.registry import model_class

#: the hyperparameters that are vector widths, by name
WIDTH_NAMES = ("factors", "dim", "hidden")

WIDTHS = [(name, param) for name in available_models()
          for param in model_class(name).params if param in WIDTH_NAMES]


def test_every_width_is_found():
    assert WIDTHS == [("als", "factors"), ("bpr", "factors"), ("ials", "factors"),
                      ("lightgcn", "dim"), ("lightgcn_pp", "dim"), ("mf", "factors"),
                      ("mult_dae", "hidden"), ("mult_vae", "hidden"),
                      ("neumf", "factors"), ("neural_mf", "factors"), ("sasrec", "hidden"),
                      ("two_tower", "dim"), ("two_tower", "hidden")]


@pytest.mark.parametrize(("name", "param"), WIDTHS)
def test_every_width_declares_the_bound(name, param):
    declared = model_class(name).params[param]
    assert declared.high == MAX_FACTORS and declared.high_inclusive
    assert f"{param} : int in [" in model_class(name).describe_params()
    assert "at most 65,536" in declared.doc


@pytest.mark.parametrize(("name", "param"), WIDTHS)
def test_validate_params_refuses_one_more_naming_it(name, param):
    with pytest.raises(ConfigError, match=rf"^{name}: {param} must be <= 65536, got 65537$"):
        create_model(name, **{param: MAX_FACTORS + 1}).validate_params()
    create_model(name, **{param: MAX_FACTORS}).validate_params()  # the bound is allowed


@pytest.mark.parametrize(("name", "param"), WIDTHS)
def test_fit_refuses_it_before_reading_the_data(name, param):
    # no training data at all: the width is what is wrong first
    with pytest.raises(ConfigError, match=rf"^{name}: {param} must be <= 65536, got "
                                          rf"{2**40}$"):
        create_model(name, **{param: 2**40}).fit(None)


def test_neural_mf_layer_widths_share_the_declaration():
    element = model_class("neural_mf").params["layers"].element
    assert element is not None and element.high == MAX_FACTORS
    assert element.default is REQUIRED
    with pytest.raises(ConfigError, match=r"^neural_mf: layers\[0\] must be <= 65536, got "
                                          r"65537$"):
        create_model("neural_mf", layers=[MAX_FACTORS + 1]).validate_params()


def test_an_experiment_file_refuses_it_when_read_naming_the_key(tmp_path):
    # it used to be refused only while running, for want of memory, after the split
    from recstack.config import load_experiment

    path = tmp_path / "exp.toml"
    path.write_text('[data]\nsource = "synthetic:n_users=120,n_items=90,n_interactions=2000,'
                    'seed=0"\n[split]\nmethod = "random"\n[[models]]\ntype = "als"\n'
                    'factors = 4611686018427387904\n')
    with pytest.raises(ConfigError, match=r"exp\.toml: \[\[models\]\] #1 \(als\) factors = "
                                          r"4611686018427387904: factors must be <= 65536"):
        load_experiment(path)
