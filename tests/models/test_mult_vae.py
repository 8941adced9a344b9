"""Mult-VAE and Mult-DAE (Liang et al. 2018): the loss against the paper's formulas in
numpy, the annealing schedule, scoring from the code's mean, fold-in, persistence,
refusals and learning a planted structure."""

import numpy as np
import pytest
from scipy.special import log_softmax

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.evaluator import Evaluator
from recstack.models import create_model, load_model
from recstack.models import vae as vae_module
from tests.models.tampering import reseal, saved_arrays

torch = pytest.importorskip("torch")

QUICK = {"hidden": 16, "latent": 8, "epochs": 20, "batch_size": 16, "device": "cpu",
         "num_threads": 1}


def _random_weights(module, rng):
    """Every weight and bias of ``module`` set to values drawn here, returned as numpy."""
    arrays = {}
    with torch.no_grad():
        for name, parameter in module.named_parameters():
            values = rng.normal(0.0, 0.5, tuple(parameter.shape)).astype(np.float32)
            parameter.copy_(torch.from_numpy(values))
            arrays[name] = values.astype(np.float64)
    return arrays


def _numpy_forward(arrays, rows, latent, variational):
    """Encoder and decoder written out from the paper: L2-normalised input, tanh between
    layers (after every encoder layer for the DAE), the mean as the code."""
    normalised = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    hidden = np.tanh(normalised @ arrays["encoder.0.weight"].T + arrays["encoder.0.bias"])
    out = hidden @ arrays["encoder.1.weight"].T + arrays["encoder.1.bias"]
    if variational:
        mu, logvar = out[:, :latent], out[:, latent:]
    else:
        mu, logvar = np.tanh(out), None
    hidden = np.tanh(mu @ arrays["decoder.0.weight"].T + arrays["decoder.0.bias"])
    logits = hidden @ arrays["decoder.1.weight"].T + arrays["decoder.1.bias"]
    return logits, mu, logvar


ROWS = np.array([[1, 0, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 0, 0, 1]], dtype=np.float64)


@pytest.mark.parametrize("variational", [True, False])
def test_the_loss_terms_are_the_papers_formulas(variational):
    rng = np.random.default_rng(3)
    module = vae_module._autoencoder_module(torch)(5, 3, 2, variational, 0.5,
                                                   torch.Generator().manual_seed(0))
    arrays = _random_weights(module, rng)
    module.eval()  # no dropout, the mean as the code
    beta, regularization = 0.3, 0.01
    with torch.no_grad():
        total, nll, kl, penalty = vae_module.negative_elbo(
            module, torch.tensor(ROWS, dtype=torch.float32), beta, regularization)

    logits, mu, logvar = _numpy_forward(arrays, ROWS, 2, variational)
    # eq. (2): the multinomial log-likelihood of the raw 0/1 row, averaged over users
    expected_nll = -np.mean(np.sum(ROWS * log_softmax(logits, axis=1), axis=1))
    if variational:
        # KL(N(mu, sigma^2) || N(0, 1)) = log(1 / sigma) + (sigma^2 + mu^2) / 2 - 1 / 2
        sigma = np.exp(logvar / 2)
        expected_kl = np.mean(np.sum(np.log(1 / sigma) + (sigma**2 + mu**2) / 2 - 0.5, axis=1))
    else:
        expected_kl = 0.0
    squares = sum(np.sum(values**2) for name, values in arrays.items() if "weight" in name)
    expected_penalty = regularization * squares
    np.testing.assert_allclose(float(nll), expected_nll, rtol=1e-5)
    np.testing.assert_allclose(float(kl), expected_kl, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(float(penalty), expected_penalty, rtol=1e-5)
    np.testing.assert_allclose(float(total),
                               expected_nll + beta * expected_kl + expected_penalty, rtol=1e-5)


@pytest.mark.parametrize("dropout", [0.0, 0.5])
def test_training_mode_drops_the_input_and_samples_the_code(dropout):
    rows = torch.tensor(ROWS, dtype=torch.float32)
    outputs = {}
    for variational in (True, False):
        module = vae_module._autoencoder_module(torch)(5, 3, 2, variational, dropout,
                                                       torch.Generator().manual_seed(0))
        module.eval()
        first, second = module(rows)[0], module(rows)[0]
        assert torch.equal(first, second)
        module.train()
        torch.manual_seed(0)
        outputs[variational] = not torch.equal(module(rows)[0], first)
    # without dropout only the VAE's sampled code moves the training-mode output
    assert outputs == {True: True, False: dropout > 0}


def test_anneal_beta_grows_by_one_over_the_steps_up_to_the_cap():
    assert [vae_module.anneal_beta(step, 10, 0.2) for step in range(4)] == \
        pytest.approx([0.0, 0.1, 0.2, 0.2])
    assert vae_module.anneal_beta(7, 0, 0.35) == 0.35  # no annealing: the cap throughout


def _block_data(n_users=120, n_items=60, blocks=3, per_user=8, seed=0):
    """Users of block b interact only with items of block b; within each block a few items
    are popular everywhere, so popularity alone ranks well, but not as well as the
    blocks."""
    rng = np.random.default_rng(seed)
    users, items = [], []
    block_items = np.array_split(np.arange(n_items), blocks)
    for user in range(n_users):
        own = block_items[user % blocks]
        weights = 1.0 / np.arange(1, len(own) + 1)
        chosen = rng.choice(own, size=per_user, replace=False, p=weights / weights.sum())
        users += [user] * per_user
        items += chosen.tolist()
    return Interactions.from_arrays(np.array(users), np.array(items),
                                    np.ones(len(users)), None)


def test_the_annealing_schedule_counts_gradient_updates_across_epochs(monkeypatch):
    seen = []
    real = vae_module.negative_elbo

    def recording(module, rows, beta, regularization):
        seen.append(beta)
        return real(module, rows, beta, regularization)

    monkeypatch.setattr(vae_module, "negative_elbo", recording)
    data = _block_data(n_users=10, n_items=30)
    params = {**QUICK, "epochs": 2, "batch_size": 4}  # 3 batches an epoch
    create_model("mult_vae", **params, total_anneal_steps=4, anneal_cap=0.5).fit(data)
    assert seen == pytest.approx([0.0, 0.25, 0.5, 0.5, 0.5, 0.5])
    seen.clear()
    create_model("mult_dae", **params).fit(data)
    assert seen == [0.0] * 6  # no KL term to weigh


@pytest.fixture(scope="module", params=["mult_vae", "mult_dae"])
def fitted_vae(request):
    data = _block_data()
    return create_model(request.param, **QUICK).fit(data), data


def test_scores_are_the_decoded_mean_and_deterministic(fitted_vae):
    model, data = fitted_vae
    users = np.arange(20)
    scores = model.score_users(users)
    np.testing.assert_array_equal(model.score_users(users), scores)
    arrays = {}
    for part in ("encoder", "decoder"):
        for layer in range(2):
            arrays[f"{part}.{layer}.weight"] = getattr(model, f"{part}_weights_")[layer] \
                .astype(np.float64)
            arrays[f"{part}.{layer}.bias"] = getattr(model, f"{part}_biases_")[layer] \
                .astype(np.float64)
    rows = (data.to_csr()[users].toarray() != 0).astype(np.float64)
    logits, _, _ = _numpy_forward(arrays, rows, QUICK["latent"], model.name == "mult_vae")
    np.testing.assert_allclose(scores, logits, rtol=1e-4, atol=1e-4)


def test_fold_in_of_a_training_users_history_gives_their_scores(fitted_vae):
    model, data = fitted_vae
    users = np.arange(10)
    history = data.to_csr()[users]
    np.testing.assert_allclose(model.score_histories(history), model.score_users(users),
                               rtol=1e-6, atol=1e-6)
    # any positive value counts as 1 (unequal values: the normalisation would hide equal ones)
    weighted = history.copy()
    weighted.data = (np.arange(weighted.nnz) % 5 + 1).astype(np.float64)
    np.testing.assert_allclose(model.score_histories(weighted), model.score_users(users),
                               rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", ["mult_vae", "mult_dae"])
def test_save_load_round_trip_and_a_damaged_array_is_refused(name, tmp_path):
    model = create_model(name, **{**QUICK, "hidden": 0}).fit(_block_data())
    model.save(tmp_path / "model")
    loaded = load_model(tmp_path / "model")
    users = np.arange(len(model.users_))
    np.testing.assert_array_equal(loaded.score_users(users), model.score_users(users))

    arrays = saved_arrays(model, tmp_path / "damaged")
    names = [key for key in arrays if "decoder_weight_0" in key]
    assert names
    arrays[names[0]] = arrays[names[0]][:-1]  # one item's output row lost
    reseal(tmp_path / "damaged", arrays)
    with pytest.raises(RecstackError, match="decoder_weight_0"):
        load_model(tmp_path / "damaged")


@pytest.mark.parametrize(("name", "params", "named"), [
    ("mult_vae", {"dropout": 1.0}, "dropout"),
    ("mult_vae", {"dropout": -0.1}, "dropout"),
    ("mult_vae", {"latent": 0}, "latent"),
    ("mult_vae", {"hidden": -1}, "hidden"),
    ("mult_vae", {"anneal_cap": 1.5}, "anneal_cap"),
    ("mult_vae", {"total_anneal_steps": -1}, "total_anneal_steps"),
    ("mult_dae", {"regularization": -1.0}, "regularization"),
    ("mult_dae", {"learning_rate": 0.0}, "learning_rate"),
    ("mult_dae", {"batch_size": 0}, "batch_size"),
])
def test_bad_parameters_are_refused_by_name(name, params, named):
    with pytest.raises(ConfigError, match=rf"^{name}: {named} must be"):
        create_model(name, **params).fit(_block_data(n_users=10))


def test_settings_the_model_would_not_read_are_refused():
    with pytest.raises(ConfigError, match="anneal_cap"):
        create_model("mult_dae", anneal_cap=0.2)  # the DAE has no KL term
    with pytest.raises(ConfigError, match="patience"):
        create_model("mult_vae", **QUICK, patience=3).fit(_block_data(n_users=10))


def test_negative_values_are_refused():
    data = _block_data(n_users=10)
    values = np.ones(len(data))
    values[0] = -1.0
    negative = Interactions.from_arrays(data.user_index, data.item_index, values, None)
    with pytest.raises(RecstackError, match="mult_vae: .*negative"):
        create_model("mult_vae", **QUICK).fit(negative)


@pytest.mark.parametrize("name", ["mult_vae", "mult_dae"])
def test_a_planted_block_structure_is_recovered_above_popularity(name):
    split = random_split(_block_data(n_users=150, per_user=10), 0.2, seed=0)
    evaluator = Evaluator(metrics=("recall",), ks=(10,))
    params = {**QUICK, "epochs": 60, "total_anneal_steps": 200}
    model = create_model(name, **{k: v for k, v in params.items()
                                  if name == "mult_vae" or k != "total_anneal_steps"})
    learned = evaluator.evaluate(model.fit(split.train), split.train, split.test).means()
    popular = evaluator.evaluate(create_model("most_popular").fit(split.train), split.train,
                                 split.test).means()
    assert learned["recall@10"] > popular["recall@10"] + 0.1


def test_validation_rows_early_stop_and_keep_the_best_epoch():
    split = random_split(_block_data(), 0.2, seed=0)
    model = create_model("mult_vae", **{**QUICK, "epochs": 30}, patience=3)
    model.fit(split.train, validation=split.test)
    assert model.history_.best_epoch is not None
    assert len(model.history_.epochs) <= 30
