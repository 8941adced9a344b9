"""The papers' own variants of two PyTorch rankers: DCN-V2's parallel structure (Wang et
al. 2021, Fig. 2) and low-rank cross layer (eq. 2 without the mixture), and the multitask
ranker's multi-gate mixture of experts (Ma et al. 2018, eq. 5-6). Each logit is rebuilt in
numpy (float64) from the network's own weights by the paper's equations; each variant
learns, is seeded, saves and loads bit for bit, and a file saved before the settings
existed loads as today's defaults."""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")

from recstack.errors import ConfigError, RecstackError  # noqa: E402
from recstack.pipeline.rankers import load_ranker  # noqa: E402
from recstack.pipeline.rankers.storage import META, _digest  # noqa: E402
from tests.pipeline.test_rankers import labels_for, make, synthetic_frame  # noqa: E402


def weight(layer):
    return layer.weight.detach().numpy().astype(np.float64)


def bias(layer):
    return layer.bias.detach().numpy().astype(np.float64)


def first_input(ranker, frame):
    """x0: the standardised numerics, then each categorical's embedding (2 + 2 x dim)."""
    net = ranker.module_
    numeric = ranker._standardise(frame.numeric).astype(np.float64)
    return np.hstack([numeric] + [weight(table)[frame.categorical[:, j]]
                                  for j, table in enumerate(net.tables)])


def relu_mlp(sequential, x):
    """Linear + ReLU layers (no dropout in these networks)."""
    layers = list(sequential)
    for linear, relu in zip(layers[::2], layers[1::2], strict=True):
        assert isinstance(relu, torch.nn.ReLU)
        x = np.maximum(x @ weight(linear).T + bias(linear), 0.0)
    return x


def rated_labels(frame, labels):
    """Ratings on every other row: 1 + 4 x the interaction label plus the signal."""
    ratings = np.where(np.arange(len(labels)) % 2 == 0,
                       1 + 4 * labels + frame.numeric[:, 0], np.nan)
    return np.column_stack([labels, ratings])


# ------------------------------------------------------------------ DCN-V2
def test_parallel_dcn_is_fig_2_rebuilt_from_its_weights():
    """Parallel: x_{l+1} = x0 * (W_l x_l + b_l) + x_l from x0; the MLP also reads x0; the
    output reads [x_L; h(x0)] (18 + 6 wide)."""
    frame, labels, _ = synthetic_frame(n_groups=20)
    ranker = make("dcn_v2", structure="parallel", hidden=(6,)).fit(frame, labels)
    net = ranker.module_
    x0 = first_input(ranker, frame)
    assert x0.shape[1] == 2 + 2 * 8
    x = x0
    for layer in net.cross:
        x = x0 * (x @ weight(layer).T + bias(layer)) + x
    deep = relu_mlp(net.deep, x0)
    assert weight(net.output).shape == (1, 18 + 6)
    logit = np.hstack([x, deep]) @ weight(net.output)[0] + bias(net.output)[0]
    np.testing.assert_allclose(ranker.score(frame), logit, rtol=1e-6, atol=1e-6)
    # not the stacked network: its MLP would read x_L, not x0
    stacked = relu_mlp(net.deep, x)
    assert not np.allclose(np.hstack([x, stacked]) @ weight(net.output)[0], logit - bias(
        net.output)[0], atol=1e-3)


def test_low_rank_cross_is_eq_2_rebuilt_from_its_weights():
    """Stacked, rank 3: x_{l+1} = x0 * (U_l (V_l^T x_l) + b_l) + x_l, U_l and V_l 18 x 3,
    then the MLP and the output."""
    frame, labels, _ = synthetic_frame(n_groups=20)
    ranker = make("dcn_v2", low_rank=3, cross_layers=3).fit(frame, labels)
    net = ranker.module_
    x0 = first_input(ranker, frame)
    x = x0
    for layer in net.cross:
        v, u = weight(layer.v).T, weight(layer.u)  # both d x r
        assert v.shape == u.shape == (18, 3) and layer.v.bias is None
        x = x0 * (x @ v @ u.T + bias(layer.u)) + x
    logit = relu_mlp(net.deep, x) @ weight(net.output)[0] + bias(net.output)[0]
    np.testing.assert_allclose(ranker.score(frame), logit, rtol=1e-6, atol=1e-6)
    # the rank of each W = U V^T is 3, and it holds 2 x 18 x 3 + 18 weights, not 18 x 18 + 18
    for layer in net.cross:
        assert np.linalg.matrix_rank(weight(layer.u) @ weight(layer.v)) == 3
        assert sum(p.numel() for p in layer.parameters()) == 2 * 18 * 3 + 18


def test_parallel_without_hidden_layers_is_the_cross_network_alone():
    frame, labels, _ = synthetic_frame(n_groups=20)
    parallel = make("dcn_v2", structure="parallel", hidden=()).fit(frame, labels)
    stacked = make("dcn_v2", hidden=()).fit(frame, labels)
    assert weight(parallel.module_.output).shape == (1, 18)
    np.testing.assert_array_equal(parallel.score(frame), stacked.score(frame))


def test_the_default_network_keeps_its_weights_names_and_scores():
    """structure='stacked', low_rank=None is the network of before: full d x d layers
    named cross.<l>.weight, so files saved before load into it."""
    frame, labels, _ = synthetic_frame(n_groups=20)
    ranker = make("dcn_v2").fit(frame, labels)
    assert ranker.structure == "stacked" and ranker.low_rank is None
    names = {k: tuple(v.shape) for k, v in ranker.module_.state_dict().items()
             if k.startswith("cross")}
    assert names == {"cross.0.weight": (18, 18), "cross.0.bias": (18,),
                     "cross.1.weight": (18, 18), "cross.1.bias": (18,)}
    explicit = make("dcn_v2", structure="stacked", low_rank=None).fit(frame, labels)
    np.testing.assert_array_equal(explicit.score(frame), ranker.score(frame))


def test_a_rank_not_below_the_input_width_is_refused_with_the_numbers():
    frame, labels, _ = synthetic_frame(n_groups=20)
    # d = 2 numeric + 2 categorical x 3 = 8
    with pytest.raises(ConfigError, match=r"low_rank = 8 must be below the cross layers' "
                       r"input width d = 8 \(2 numeric feature\(s\) \+ 2 categorical "
                       r"feature\(s\) x embedding_dim 3\).*at most 7"):
        make("dcn_v2", low_rank=8, embedding_dim=3).fit(frame, labels)
    with pytest.raises(ConfigError, match="low_rank = 9 must be below"):
        make("dcn_v2", low_rank=9, embedding_dim=3, structure="parallel").fit(frame, labels)
    assert make("dcn_v2", low_rank=7, embedding_dim=3).fit(frame, labels).is_fitted


@pytest.mark.parametrize(("settings", "message"), [
    ({"structure": "paralel"}, r"structure must be one of \('stacked', 'parallel'\), got "
                               r"'paralel' \(did you mean 'parallel'\?\)"),
    ({"structure": None}, "structure must be str"),
    ({"low_rank": 0}, "low_rank must be >= 1, got 0"),
    ({"low_rank": True}, "low_rank must be int, got True"),
    ({"low_rank": 2.5}, "low_rank must be int, got 2.5"),
])
def test_bad_dcn_settings_are_refused_by_name(settings, message):
    frame, labels, _ = synthetic_frame(n_groups=5)
    with pytest.raises(ConfigError, match=message):
        make("dcn_v2", **settings).fit(frame, labels)


# ------------------------------------------------------------------ MMoE
def test_mmoe_is_eq_5_and_6_rebuilt_from_its_weights():
    """g^k(x) = softmax(W_gk x) (no bias), f^k(x) = sum_i g^k(x)_i f_i(x), y_k = h^k(f^k(x)),
    for the interaction (k = 0, what score gives) and the rating (k = 1) task."""
    frame, labels, _ = synthetic_frame(n_groups=20)
    ranker = make("multitask", architecture="mmoe", experts=3, hidden=(5, 4)).fit(
        frame, rated_labels(frame, labels))
    net = ranker.module_
    x = first_input(ranker, frame)
    experts = np.stack([relu_mlp(expert, x) for expert in net.experts], axis=1)
    assert experts.shape == (len(frame), 3, 4) and len(net.gates) == 2
    towers = []
    for gate, tower in zip(net.gates, (net.interaction, net.rating), strict=True):
        assert gate.bias is None and weight(gate).shape == (3, 18)
        logits = x @ weight(gate).T
        g = np.exp(logits - logits.max(axis=1, keepdims=True))
        g /= g.sum(axis=1, keepdims=True)
        np.testing.assert_allclose(g.sum(axis=1), 1.0, rtol=1e-12)
        assert (g > 0).all()
        mixture = np.einsum("ni,nij->nj", g, experts)
        towers.append(mixture @ weight(tower)[0] + bias(tower)[0])
    np.testing.assert_allclose(ranker.score(frame), towers[0], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(ranker._forward(frame, head=1), towers[1], rtol=1e-6,
                               atol=1e-6)
    np.testing.assert_allclose(ranker.predict_ratings(frame),
                               towers[1] * ranker.rating_scale_ + ranker.rating_mean_,
                               rtol=1e-6)
    # the two gates differ (one per task), so the tasks read different mixtures
    assert not np.allclose(weight(net.gates[0]), weight(net.gates[1]))


def test_the_default_multitask_network_is_the_shared_bottom_of_before():
    frame, labels, _ = synthetic_frame(n_groups=20)
    ranker = make("multitask").fit(frame, labels_for("multitask", labels))
    assert ranker.architecture == "shared_bottom" and ranker.experts == 4
    assert {k.split(".")[0] for k in ranker.module_.state_dict()} == {
        "tables", "bottom", "interaction", "rating"}


def test_experts_outside_mmoe_and_mmoe_without_hidden_layers_are_refused():
    frame, labels, _ = synthetic_frame(n_groups=5)
    both = labels_for("multitask", labels)
    # the project's rule for a setting another one switches off (read_only_with)
    with pytest.raises(ConfigError, match=r"experts = 3 is read only with architecture = "
                       r"'mmoe', and architecture is 'shared_bottom', so it would be "
                       r"ignored"):
        make("multitask", experts=3).fit(frame, both)
    with pytest.raises(ConfigError, match=r"architecture = 'mmoe' makes each expert an MLP "
                       r"of the widths hidden, and hidden = \(\) has no layer"):
        make("multitask", architecture="mmoe", hidden=()).fit(frame, both)
    with pytest.raises(ConfigError, match=r"architecture must be one of \('shared_bottom', "
                       r"'mmoe'\), got 'MMoE' \(did you mean 'mmoe'\?\)"):
        make("multitask", architecture="MMoE").fit(frame, both)
    for experts, problem in ((0, ">= 1"), (65, "<= 64"), (2.0, "int, got 2.0")):
        with pytest.raises(ConfigError, match=f"experts must be {problem}"):
            make("multitask", architecture="mmoe", experts=experts).fit(frame, both)


def test_the_weight_count_refusal_names_the_experts_only_under_mmoe():
    frame, labels, _ = synthetic_frame(n_groups=5)
    both = labels_for("multitask", labels)
    with pytest.raises(RecstackError, match=r"with hidden=\[65536, 65536\], embedding_dim=8, "
                       r"experts=64; lower them"):
        make("multitask", architecture="mmoe", hidden=[65536] * 2, experts=64).fit(frame, both)
    with pytest.raises(RecstackError, match=r"with hidden=\[65536, 65536\], embedding_dim=8; "
                       r"lower them"):
        make("multitask", hidden=[65536] * 2).fit(frame, both)


# ------------------------------------------------------------------ both
VARIANTS = [
    ("dcn_v2", {"structure": "parallel"}),
    ("dcn_v2", {"low_rank": 2}),
    ("dcn_v2", {"structure": "parallel", "low_rank": 4}),
    ("multitask", {"architecture": "mmoe"}),
    ("multitask", {"architecture": "mmoe", "experts": 2}),
]


def log_loss(probability, labels):
    p = np.clip(probability, 1e-12, 1 - 1e-12)
    return float(-np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p)))


@pytest.mark.parametrize(("name", "settings"), VARIANTS)
def test_each_variant_learns_better_than_a_constant(name, settings):
    """Held-out log loss below the best constant's (the training rate of positives);
    MMoE's rating head also below the constant training mean's squared error."""
    frame, labels, _ = synthetic_frame(n_groups=60, seed=0)
    test, test_labels, _ = synthetic_frame(n_groups=60, seed=1)
    train_y = rated_labels(frame, labels) if name == "multitask" else labels
    ranker = make(name, epochs=8, **settings).fit(frame, train_y)
    constant = log_loss(np.full(len(test), labels.mean()), test_labels)
    learned = log_loss(ranker.predict_proba(test), test_labels)
    assert learned < constant - 0.05, (learned, constant)
    if name == "multitask":
        truth = rated_labels(test, test_labels)[:, 1]
        rated = ~np.isnan(truth)
        mean = np.nanmean(train_y[:, 1])
        constant_error = np.mean((truth[rated] - mean) ** 2)
        error = np.mean((ranker.predict_ratings(test)[rated] - truth[rated]) ** 2)
        assert error < 0.7 * constant_error, (error, constant_error)


@pytest.mark.parametrize(("name", "settings"), VARIANTS)
def test_each_variant_saves_and_loads_bit_for_bit_and_is_seeded(name, settings, tmp_path):
    frame, labels, _ = synthetic_frame(n_groups=20)
    y = labels_for(name, labels)
    ranker = make(name, **settings).fit(frame, y)
    ranker.save(tmp_path / "r")
    saved = json.loads((tmp_path / "r" / META).read_text(encoding="utf-8"))["params"]
    for key, value in settings.items():
        assert saved[key] == value
    loaded = load_ranker(tmp_path / "r")
    assert loaded.get_params() == ranker.get_params()
    np.testing.assert_array_equal(loaded.score(frame), ranker.score(frame))
    for key, value in ranker.module_.state_dict().items():
        assert torch.equal(loaded.module_.state_dict()[key], value), key
    if name == "multitask":
        np.testing.assert_array_equal(loaded.predict_ratings(frame),
                                      ranker.predict_ratings(frame))
    # the same seed, the same network; another seed, another one
    np.testing.assert_array_equal(make(name, **settings).fit(frame, y).score(frame),
                                  ranker.score(frame))
    assert not np.array_equal(make(name, seed=1, **settings).fit(frame, y).score(frame),
                              ranker.score(frame))


@pytest.mark.parametrize(("name", "new"), [("dcn_v2", ("structure", "low_rank")),
                                           ("multitask", ("architecture", "experts"))])
def test_a_file_saved_before_the_settings_loads_as_the_defaults(name, new, tmp_path):
    """ranker.json written without the new settings (as before they existed): the
    stacked full-rank DCN and the shared bottom, scoring as saved."""
    frame, labels, _ = synthetic_frame(n_groups=20)
    ranker = make(name).fit(frame, labels_for(name, labels))
    ranker.save(tmp_path / "r")
    meta_path = tmp_path / "r" / META
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    for key in new:
        del meta["params"][key]
    meta["sha256"][META] = _digest(meta)
    meta_path.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    loaded = load_ranker(tmp_path / "r")
    assert loaded.get_params() == ranker.get_params()
    np.testing.assert_array_equal(loaded.score(frame), ranker.score(frame))


def test_weights_of_another_variant_are_refused_at_load(tmp_path):
    """A full-rank file whose ranker.json was edited to low_rank = 2: the weights do not
    fit the low-rank network, said as such."""
    frame, labels, _ = synthetic_frame(n_groups=20)
    make("dcn_v2").fit(frame, labels).save(tmp_path / "r")
    meta_path = tmp_path / "r" / META
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["params"]["low_rank"] = 2
    meta["sha256"][META] = _digest(meta)
    meta_path.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    with pytest.raises(RecstackError, match="the weights do not fit this network"):
        load_ranker(tmp_path / "r")
