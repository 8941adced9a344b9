"""SASRec reads the order of a history, which a users x items matrix has lost: it has no
score_histories, so every check of that capability says no (a method that only refused
passed them, and an experiment with held-out users failed after fitting every model)."""

import pytest

pytest.importorskip("torch", reason="PyTorch is not installed (pip install recstack[torch])")

from recstack.config import check_models_fold_in, load_experiment  # noqa: E402
from recstack.errors import ConfigError  # noqa: E402
from recstack.models.registry import model_class  # noqa: E402


def test_sasrec_has_no_score_histories_and_says_what_to_call():
    sasrec = model_class("sasrec")
    assert not callable(getattr(sasrec, "score_histories", None))
    with pytest.raises(AttributeError, match="score_sequences"):
        getattr(sasrec(epochs=1), "score_histories")  # noqa: B009


def test_an_experiment_with_held_out_users_refuses_sasrec_before_fitting(tmp_path):
    (tmp_path / "exp.toml").write_text(
        '[data]\nsource = "synthetic:n_users=60,n_items=40,n_interactions=600"\n'
        '[split]\nmethod = "users"\n'
        '[[models]]\ntype = "most_popular"\n'
        '[[models]]\ntype = "sasrec"\nepochs = 1\n', encoding="utf-8")
    experiment = load_experiment(tmp_path / "exp.toml")
    with pytest.raises(ConfigError, match=r"#2 \(sasrec\).*cannot score users"):
        check_models_fold_in(experiment)
