"""Hyperparameters that make each model quick enough for the tests' tiny data. They live
with the tests, not in the library: no user needs them."""

from __future__ import annotations

from typing import Any

QUICK_PARAMS: dict[str, dict[str, Any]] = {
    "als": {"factors": 8, "iterations": 5, "num_threads": 1},
    "bpr": {"factors": 8, "epochs": 20},
    "item_knn": {"neighbors": 20},
    "user_knn": {"neighbors": 20},
    "ease": {"regularization": 10.0},
    "gf_cf": {"k": 8},
    "bspm": {"k": 8},
    "rp3beta": {"neighbors": 20},
    "blend": {"members": ({"type": "ease", "regularization": 10.0},
                          {"type": "rp3beta", "neighbors": 20}), "rounds": 1},
    "ials": {"factors": 8, "iterations": 6, "block_size": 4, "regularization": 0.01},
    # the conformance data has no item table: content runs on interaction features there
    "content": {"interaction_weight": 1.0},
    "mf": {"factors": 8, "epochs": 5, "batch_size": 128, "learning_rate": 0.02,
           "device": "cpu"},
    "neural_mf": {"factors": 8, "layers": (16,), "epochs": 5, "batch_size": 128,
                  "learning_rate": 0.02, "device": "cpu"},
    "neumf": {"factors": 8, "layers": (16, 8), "reg_layers": (0.0, 0.0), "epochs": 10,
              "batch_size": 128, "learning_rate": 0.01, "device": "cpu"},
    "sasrec": {"max_length": 10, "hidden": 16, "blocks": 1, "epochs": 10, "batch_size": 64,
               "learning_rate": 0.02, "validation": False, "device": "cpu"},
    "lightgcn": {"dim": 16, "layers": 2, "epochs": 30, "batch_size": 128,
                 "learning_rate": 0.02, "device": "cpu"},
    "lightgcn_pp": {"dim": 16, "layers": 2, "epochs": 30, "batch_size": 128,
                    "learning_rate": 0.02, "device": "cpu"},
    "two_tower": {"dim": 8, "hidden": 16, "epochs": 8, "batch_size": 128,
                  "learning_rate": 0.02, "recent_items": 5, "device": "cpu"},
    "two_stage": {"generators": ({"type": "most_popular"},
                                 {"type": "item_knn", "neighbors": 20}),
                  "ranker": {"type": "logistic"}, "n_candidates": 10},
    "reranked": {"model": {"type": "item_knn", "neighbors": 20},
                 "chain": ({"type": "popularity_penalty", "strength": 0.5},), "n_candidates": 20},
}


def quick_params(name: str) -> dict[str, Any]:
    """The quick hyperparameters of model ``name`` (a copy; none for fast models)."""
    return dict(QUICK_PARAMS.get(name, {}))
