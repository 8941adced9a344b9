"""Off-policy estimators: agreement with Open Bandit Pipeline to 1e-9, a log worked by hand,
the intervals' formulas, coverage of a known true value in simulation, and bad input."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import stats

from recstack.errors import ConfigError
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.off_policy import (
    deterministic_target,
    direct_method,
    doubly_robust,
    estimate_all,
    ips,
    snips,
)


def _log(n: int, n_actions: int, seed: int) -> dict[str, np.ndarray]:
    """A softmax logging policy over random contexts, a sharper target policy, Bernoulli
    rewards with known means ``q`` and a noisy reward model ``q_hat``."""
    rng = np.random.default_rng(seed)
    logits = rng.standard_normal((n, n_actions))
    logging = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    action = (logging.cumsum(axis=1) > rng.random(n)[:, None]).argmax(axis=1)
    q = 1 / (1 + np.exp(-(logits - 0.5)))
    reward = (rng.random(n) < q[np.arange(n), action]).astype(np.float64)
    target = np.exp(2 * logits) / np.exp(2 * logits).sum(axis=1, keepdims=True)
    q_hat = np.clip(q + 0.1 * rng.standard_normal(q.shape), 0, 1)
    return {"reward": reward, "action": action, "pscore": logging[np.arange(n), action],
            "target": target, "q_hat": q_hat, "q": q}


def test_agrees_with_open_bandit_pipeline() -> None:
    ope = pytest.importorskip("obp.ope")
    for seed in range(3):
        log = _log(2000, 7, seed)
        r, a, p, pi, q_hat = (log[k] for k in ("reward", "action", "pscore", "target",
                                               "q_hat"))
        dist, model = pi[:, :, None], q_hat[:, :, None]    # obp: (n, actions, positions)
        reference = {
            "ips": ope.InverseProbabilityWeighting().estimate_policy_value(
                reward=r, action=a, pscore=p, action_dist=dist),
            "snips": ope.SelfNormalizedInverseProbabilityWeighting().estimate_policy_value(
                reward=r, action=a, pscore=p, action_dist=dist),
            "dm": ope.DirectMethod().estimate_policy_value(
                action_dist=dist, estimated_rewards_by_reg_model=model),
            "dr": ope.DoublyRobust().estimate_policy_value(
                reward=r, action=a, pscore=p, action_dist=dist,
                estimated_rewards_by_reg_model=model),
        }
        ours = estimate_all(r, a, p, pi, q_hat)
        for name, value in reference.items():
            assert ours[name].value == pytest.approx(value, abs=1e-9), name


def test_bootstrap_interval_is_close_to_open_bandit_pipelines() -> None:
    ope = pytest.importorskip("obp.ope")
    log = _log(1000, 5, 3)
    r, a, p, pi = (log[k] for k in ("reward", "action", "pscore", "target"))
    theirs = ope.InverseProbabilityWeighting().estimate_interval(
        reward=r, action=a, pscore=p, action_dist=pi[:, :, None], alpha=0.1,
        n_bootstrap_samples=4000, random_state=0)
    ours = ips(r, a, p, pi, confidence=0.9, interval="bootstrap", n_bootstrap=4000)
    width = theirs["90.0% CI (upper)"] - theirs["90.0% CI (lower)"]
    # different random resamples: equal up to Monte Carlo error
    assert ours.lower == pytest.approx(theirs["90.0% CI (lower)"], abs=0.05 * width)
    assert ours.upper == pytest.approx(theirs["90.0% CI (upper)"], abs=0.05 * width)


def test_a_log_worked_by_hand() -> None:
    # 4 rounds, 2 actions. Target: always action 1.
    rewards = np.array([1.0, 0.0, 1.0, 1.0])
    actions = np.array([1, 1, 0, 1])
    propensities = np.array([0.5, 0.25, 0.5, 0.8])
    target = deterministic_target([1, 1, 1, 1], 2)
    q_hat = np.array([[0.2, 0.6], [0.1, 0.4], [0.9, 0.3], [0.5, 0.5]])
    # weights: 1/0.5 = 2, 1/0.25 = 4, 0 (action 0 shown), 1/0.8 = 1.25
    # IPS = (2*1 + 4*0 + 0 + 1.25*1) / 4 = 3.25 / 4
    assert ips(rewards, actions, propensities, target).value == pytest.approx(0.8125)
    # SNIPS = 3.25 / (2 + 4 + 0 + 1.25)
    assert snips(rewards, actions, propensities, target).value == pytest.approx(3.25 / 7.25)
    # DM = mean of q_hat[:, 1] = (0.6 + 0.4 + 0.3 + 0.5) / 4
    assert direct_method(target, q_hat).value == pytest.approx(0.45)
    # DR terms: 0.6 + 2(1 - 0.6) = 1.4; 0.4 + 4(0 - 0.4) = -1.2; 0.3 + 0 = 0.3;
    # 0.5 + 1.25(1 - 0.5) = 1.125 -> mean 1.625 / 4
    dr = doubly_robust(rewards, actions, propensities, target, q_hat)
    assert dr.value == pytest.approx(0.40625)
    # normal interval: mean -/+ z(0.975) * sd(terms, ddof=1) / sqrt(4)
    terms = np.array([1.4, -1.2, 0.3, 1.125])
    half = 1.959963984540054 * np.std(terms, ddof=1) / 2
    assert (dr.lower, dr.upper) == pytest.approx((0.40625 - half, 0.40625 + half))
    assert dr.std_error == pytest.approx(np.std(terms, ddof=1) / 2)


def test_snips_normal_interval_is_the_delta_method() -> None:
    log = _log(500, 4, 9)
    r, a, p, pi = (log[k] for k in ("reward", "action", "pscore", "target"))
    w = pi[np.arange(500), a] / p
    value = (w * r).sum() / w.sum()
    # delta-method variance of a ratio of means: var(w r - V w) / (n mean(w)^2)
    se = np.std(w * r - value * w, ddof=1) / np.sqrt(500) / w.mean()
    estimate = snips(r, a, p, pi, confidence=0.8)
    z = stats.norm.ppf(0.9)
    assert (estimate.lower, estimate.upper) == pytest.approx((value - z * se, value + z * se))


def test_intervals_cover_the_true_value_in_simulation() -> None:
    # the true value of the target policy is known: the mean over the logged contexts of
    # sum_a pi(a|x) q(x, a); DR gets the noisy reward model (it is unbiased regardless)
    hits = {name: 0 for name in ("ips", "snips", "dr")}
    repeats = 200
    for seed in range(repeats):
        log = _log(400, 4, 1000 + seed)
        truth = float((log["target"] * log["q"]).sum(axis=1).mean())
        estimates = estimate_all(log["reward"], log["action"], log["pscore"], log["target"],
                                 log["q_hat"])
        for name in hits:
            hits[name] += estimates[name].lower <= truth <= estimates[name].upper
        # with the true means as its model, DM is the truth itself
        assert direct_method(log["target"], log["q"]).value == pytest.approx(truth, abs=1e-12)
    coverage = {name: hit / repeats for name, hit in hits.items()}
    # 95% intervals; the binomial sd of a coverage over 200 repeats is 1.5 points
    # (measured: IPS 0.95, SNIPS 0.965, DR 0.965)
    for name in hits:
        assert 0.90 <= coverage[name] <= 0.99, coverage


def test_bootstrap_is_seeded_and_reasonable() -> None:
    log = _log(800, 4, 5)
    args = (log["reward"], log["action"], log["pscore"], log["target"])
    first = snips(*args, interval="bootstrap", seed=3)
    assert first == snips(*args, interval="bootstrap", seed=3)
    assert first != snips(*args, interval="bootstrap", seed=4)
    normal = snips(*args)
    assert first.lower == pytest.approx(normal.lower, abs=0.3 * (normal.upper - normal.lower))
    assert first.upper == pytest.approx(normal.upper, abs=0.3 * (normal.upper - normal.lower))


@pytest.mark.parametrize(("change", "message"), [
    ({"propensities": [0.5, 0.0, 0.5]},
     r"propensities must be in \(0, 1\]; row 1 is 0.0 \(an action the logging policy never"),
    ({"propensities": [0.5, 1.2, 0.5]},
     r"propensities must be in \(0, 1\]; row 1 is 1.2 \(a probability cannot exceed 1\)"),
    ({"propensities": [0.5, -0.1, 0.5]}, r"row 1 is -0.1"),
    ({"propensities": [0.5, 0.5]}, r"lengths rewards 3, actions 3, propensities 2, target 3"),
    ({"actions": [0, 5, 1]}, r"unknown action 5 in actions at row 1; actions are 0..1"),
    ({"target": [[0.5, 0.5], [1.2, -0.2], [0.0, 1.0]]},
     r"target must be probabilities in \[0, 1\], position \[1, 0\] is 1.2"),
    ({"target": [[0.5, 0.5], [0.3, 0.3], [0.0, 1.0]]},
     r"each row of target .* summing to 1; row 1 sums to 0.6"),
    ({"rewards": [1.0, np.nan, 0.0]}, r"rewards must be finite, row 1 is nan"),
    ({"actions": [0.5, 1, 0]}, r"actions must hold integer action indices"),
])
def test_bad_logs_are_refused(change: dict[str, Any], message: str) -> None:
    log = {"rewards": [1.0, 0.0, 1.0], "actions": [0, 1, 1], "propensities": [0.5, 0.5, 0.5],
           "target": [[0.5, 0.5], [0.5, 0.5], [0.0, 1.0]]}
    log.update(change)
    for estimator in (ips, snips):
        with pytest.raises(BanditInputError, match=message):
            estimator(**log)
    with pytest.raises(BanditInputError, match=message):
        doubly_robust(**log, reward_model=np.zeros((3, 2)))


def test_bad_models_and_options_are_refused() -> None:
    log = _log(50, 3, 1)
    args = (log["reward"], log["action"], log["pscore"], log["target"])
    with pytest.raises(BanditInputError, match=r"reward_model must have shape \(50, 3\)"):
        doubly_robust(*args, np.zeros((50, 2)))
    with pytest.raises(BanditInputError, match=r"reward_model must have shape \(50, 3\)"):
        direct_method(log["target"], np.zeros((49, 3)))
    with pytest.raises(ConfigError, match="confidence must be a number in"):
        ips(*args, confidence=95)
    with pytest.raises(ConfigError, match="interval must be 'normal' or 'bootstrap'"):
        ips(*args, interval="percentile")
    with pytest.raises(ConfigError, match="n_bootstrap must be an integer from 2 to 1000000"):
        ips(*args, interval="bootstrap", n_bootstrap=1)
    with pytest.raises(ConfigError, match="n_bootstrap must be .* got 2000000"):
        ips(*args, interval="bootstrap", n_bootstrap=2_000_000)
    with pytest.raises(ConfigError, match=r"estimate_all: unknown option\(s\) \['confidnce'\]"):
        estimate_all(*args, confidnce=0.9)
    with pytest.raises(BanditInputError, match="n_actions must be an integer >= 1, got '3'"):
        deterministic_target([0, 1], "3")  # type: ignore[arg-type]
    with pytest.raises(BanditInputError, match="n_actions must be an integer >= 1, got -3"):
        deterministic_target([], -3)
    with pytest.raises(BanditInputError, match="at least 2 rounds"):
        ips([1.0], [0], [0.5], [[1.0, 0.0, 0.0]])
    with pytest.raises(BanditInputError, match="gives probability 0 to every logged action"):
        snips([1.0, 0.0], [0, 0], [0.5, 0.5], [[0.0, 1.0], [0.0, 1.0]])


@pytest.mark.parametrize("estimator", ["ips", "snips", "dm", "dr"])
@pytest.mark.parametrize("options,message", [
    ({"n_bootstrap": 0}, "n_bootstrap must be an integer from 2 to 1000000, got 0"),
    ({"n_bootstrap": -5}, "n_bootstrap must be .* got -5"),
    ({"n_bootstrap": 10**12}, "n_bootstrap must be .* got 1000000000000"),
    ({"n_bootstrap": 200.0}, r"n_bootstrap must be an integer .* got 200\.0"),
    ({"n_bootstrap": True}, "n_bootstrap must be .* got True"),
    ({"n_bootstrap": 39}, r"n_bootstrap = 39 is too few for a 0\.95 bootstrap interval: each "
     r"tail \(0\.025 of the resamples\) would hold 0\.975 of them; use n_bootstrap >= 40"),
    ({"n_bootstrap": 2000, "confidence": 1 - 1e-8}, "at most 1000000 resamples are allowed, "
     "so use a lower confidence"),
    ({"confidence": 95}, r"confidence must be a number in \(0, 1\), e.g. 0.95, got 95 \(a "
     "level, not a percentage"),
    ({"confidence": 0.0}, r"confidence must be a number in \(0, 1\)"),
    ({"confidence": float("nan")}, "confidence must be .* got nan"),
    ({"confidence": True}, "confidence must be .* got True"),
    ({"confidence": "0.9"}, "confidence must be .* got '0.9'"),
])
def test_every_estimator_refuses_bad_interval_options_by_name(estimator, options, message):
    log = _log(50, 3, 1)
    args = (log["reward"], log["action"], log["pscore"], log["target"])
    call = {"ips": lambda **o: ips(*args, **o), "snips": lambda **o: snips(*args, **o),
            "dm": lambda **o: direct_method(log["target"], np.zeros((50, 3)), **o),
            "dr": lambda **o: doubly_robust(*args, np.zeros((50, 3)), **o)}[estimator]
    with pytest.raises(ConfigError, match=message):
        call(interval="bootstrap", **options)


def test_numpy_numbers_are_valid_interval_options():
    log = _log(50, 3, 1)
    estimate = ips(log["reward"], log["action"], log["pscore"], log["target"],
                   confidence=np.float32(0.9), interval="bootstrap", n_bootstrap=np.int64(40))
    assert estimate.lower <= estimate.value <= estimate.upper
    # the normal interval draws no resamples: few of them are no concern there
    ips(log["reward"], log["action"], log["pscore"], log["target"], n_bootstrap=10)
