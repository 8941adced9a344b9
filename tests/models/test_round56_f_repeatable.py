"""One seed makes a run repeatable, for every model recstack ships: two fits in one process,
a fit in a fresh process with OMP_NUM_THREADS=1 and one with 2, and the saved model loaded
in a fresh process all give the same top-10 lists and the same scores (to float32
tolerance: MKL and BLAS may round differently with the thread count and the memory
alignment, as the two-tower and EASE docstrings say), from every method that reads the
fitted state (recommend, score, score_histories, fold_in, similar_items). Fold-in of a
training user's own history is checked where the method defines it exactly.

The worker that fits and loads in the fresh processes is this module run as a script
(``python -m tests.models.test_round56_f_repeatable FOLDER``), so the fresh process
imports only what a user's would."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.models import available_models, create_model, load_model
from recstack.models.registry import model_class
from tests.models.quick_params import quick_params

REPO = Path(__file__).resolve().parents[2]

#: every model recstack ships (its class defined in recstack), found in the registry
SHIPPED = [name for name in available_models()
           if model_class(name).__module__.startswith("recstack.")]

#: models whose fit draws random numbers: another seed must give other scores
RANDOM_MODELS = {"als", "bpr", "ials", "lightgcn", "lightgcn_pp", "mf", "mult_dae", "mult_vae",
                 "neumf", "neural_mf", "random", "sasrec", "two_tower"}

#: torch models trained for two epochs, and small networks, so the sweep stays short
TINY: dict[str, dict[str, Any]] = {
    "mult_vae": {"hidden": 16, "latent": 8, "epochs": 2, "batch_size": 16, "device": "cpu"},
    "mult_dae": {"latent": 8, "epochs": 2, "batch_size": 16, "device": "cpu"},
}

#: models whose score_histories of a training user's own history is, by definition, the
#: trained user's scores: the history is all they keep of a user
EXACT_FOLD_IN = {"ease", "item_knn", "rp3beta", "gf_cf", "bspm"}


def sweep_params(name: str) -> dict[str, Any]:
    params = quick_params(name) | TINY.get(name, {})
    if "epochs" in params:
        params["epochs"] = min(int(params["epochs"]), 2)
    return params


def sweep_data() -> Interactions:
    """Two halves that like their own items (implicit's checkerboard), Zipf-skewed inside
    each half: 30 users x 20 items, 7 rows a user, ratings 3 to 5, times for the
    sequence models."""
    rng = np.random.default_rng(7)
    users, items = [], []
    for parity in (0, 1):
        half = np.arange(parity, 20, 2)
        weights = 1.0 / np.arange(1, len(half) + 1)
        for user in range(parity, 30, 2):
            chosen = rng.choice(half, size=7, replace=False, p=weights / weights.sum())
            users += [user] * len(chosen)
            items += chosen.tolist()
    ratings = rng.integers(3, 6, len(users)).astype(float)
    return Interactions.from_arrays(np.array(users), np.array(items), ratings,
                                    rng.integers(0, 10_000, len(users)),
                                    rating_range=(1.0, 5.0))


def fit(name: str, seed: int | None = None) -> Any:
    params = sweep_params(name)
    if seed is not None:
        params["seed"] = seed
    with warnings.catch_warnings():
        # tiny data: excess factors, early epochs and the like are said, and are not
        # what this sweep checks
        warnings.simplefilter("ignore")
        return create_model(name, **params).fit(sweep_data())


def answers(model: Any) -> dict[str, np.ndarray]:
    """Everything the model answers from its fitted state, as plain arrays."""
    users = model.users_.external_ids
    items = model.items_.external_ids
    out: dict[str, np.ndarray] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        top, scores = model.recommend(users, 10)
        out["recommend_items"] = np.asarray(top, np.int64)
        out["recommend_scores"] = np.asarray(scores, np.float64)
        pairs_users = np.repeat(users, len(items))
        pairs_items = np.tile(items, len(users))
        out["score"] = np.asarray(model.score(pairs_users, pairs_items), np.float64)
        if model._item_similarity_missing() is None:
            similar, values = model.similar_items(items, 5)
            out["similar_items"] = np.asarray(similar, np.int64)
            out["similar_values"] = np.asarray(values, np.float64)
        if hasattr(model, "score_histories"):
            out["score_histories"] = np.asarray(model.score_histories(model.seen_), np.float64)
        if hasattr(model, "fold_in"):
            out["fold_in"] = np.asarray(model.fold_in(model.seen_), np.float64)
    return out


def assert_same_answers(expected: dict[str, np.ndarray], got: dict[str, np.ndarray],
                        where: str) -> None:
    assert sorted(got) == sorted(expected), where
    for key, value in expected.items():
        if key.endswith("_items"):
            np.testing.assert_array_equal(got[key], value, err_msg=f"{where}: {key}")
        else:
            np.testing.assert_allclose(got[key], value, rtol=2e-5, atol=2e-6,
                                       err_msg=f"{where}: {key}")


def run_worker(folder: Path, threads: int) -> None:
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads),
               OPENBLAS_NUM_THREADS=str(threads), PYTHONPATH=str(REPO))
    subprocess.run([sys.executable, "-m", "tests.models.test_round56_f_repeatable",
                    str(folder), str(threads)], cwd=REPO, env=env, check=True,
                   timeout=600)


def worker(folder: Path, threads: int) -> None:
    """In a fresh process: fit every model with its seed, and load every saved model."""
    for name in SHIPPED:
        np.savez(folder / f"{name}-fit-{threads}.npz", **answers(fit(name)))
        np.savez(folder / f"{name}-load-{threads}.npz",
                 **answers(load_model(folder / name)))


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("round56_f")
    first: dict[str, Any] = {}
    for name in SHIPPED:
        model = fit(name)
        model.save(folder / name)
        first[name] = (model, answers(model))
    for threads in (1, 2):
        run_worker(folder, threads)
    return folder, first


def test_the_sweep_covers_every_shipped_model():
    # a model added to the registry joins the sweep by itself; this names the floor
    assert {"ease", "als", "ials", "two_tower", "sasrec", "mult_vae", "blend",
            "two_stage", "reranked"} <= set(SHIPPED)
    assert RANDOM_MODELS <= set(SHIPPED) and EXACT_FOLD_IN <= set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_one_seed_gives_the_same_answers_everywhere(name, sweep):
    folder, first = sweep
    model, expected = first[name]
    assert_same_answers(expected, answers(fit(name)), f"{name}: second fit")
    for threads in (1, 2):
        for how in ("fit", "load"):
            got = dict(np.load(folder / f"{name}-{how}-{threads}.npz"))
            assert_same_answers(expected, got,
                                f"{name}: {how} in a fresh process, OMP_NUM_THREADS={threads}")


@pytest.mark.parametrize("name", sorted(RANDOM_MODELS))
def test_another_seed_gives_other_scores(name, sweep):
    _, first = sweep
    _, expected = first[name]
    other = answers(fit(name, seed=1))
    assert not np.allclose(other["score"], expected["score"], rtol=1e-3, atol=1e-4), name


@pytest.mark.parametrize("name", sorted(EXACT_FOLD_IN))
def test_a_training_users_own_history_scores_as_the_user(name, sweep):
    _, first = sweep
    model, expected = first[name]
    trained = np.asarray(model.score_users(np.arange(len(model.users_))), np.float64)
    np.testing.assert_array_equal(expected["score_histories"], trained)


def test_als_fold_in_is_the_exact_least_squares_solve():
    model = fit("als")
    items = model.item_factors_.astype(np.float64)
    history = model.seen_.toarray().astype(np.float64)
    factors = model.fold_in(model.seen_)
    for user in range(history.shape[0]):
        # the ALS objective's normal equations (Hu, Koren & Volinsky 2008, eq. 4):
        # (Y^T C_u Y + lambda I) x_u = Y^T C_u p_u with c = 1 + alpha r
        confidence = 1.0 + model.alpha * history[user]
        preference = (history[user] > 0).astype(np.float64)
        gram = items.T @ (confidence[:, None] * items) + model.regularization * np.eye(
            items.shape[1])
        wanted = np.linalg.solve(gram, items.T @ (confidence * preference))
        np.testing.assert_allclose(factors[user], wanted, rtol=1e-4, atol=1e-5)


def test_ials_fold_in_is_the_exact_least_squares_solve():
    model = fit("ials")
    items = model.item_factors_.astype(np.float64)
    pattern = model.seen_.toarray() > 0
    n_items = items.shape[0]
    factors = model.fold_in(model.seen_)
    for user in range(pattern.shape[0]):
        # Rendle et al. 2022, eq. 8: observed pairs fit 1, every pair is pulled to 0 with
        # weight alpha_0, and lambda_u = lambda (|I_u| + alpha_0 |I|)^nu
        observed = items[pattern[user]]
        reg = model.regularization * (pattern[user].sum()
                                      + model.unobserved_weight * n_items
                                      ) ** model.regularization_exp
        gram = (observed.T @ observed + model.unobserved_weight * items.T @ items
                + reg * np.eye(items.shape[1]))
        wanted = np.linalg.solve(gram, observed.sum(axis=0))
        np.testing.assert_allclose(factors[user], wanted, rtol=1e-4, atol=1e-5)


if __name__ == "__main__":
    worker(Path(sys.argv[1]), int(sys.argv[2]))
