"""Regret curves of every exploration policy in the synthetic click simulator.

Two settings, each averaged over ``--seeds`` runs (the environment fixed, the users, clicks
and policies' draws seeded per run; every policy meets the same users and click noise):

- ``small``: a catalogue of 20 items, one item per user, 10 users per round, ``--small-
  rounds`` rounds (the classic multi-armed setting);
- ``catalogue``: the environment's default 300 users x 200 items, 5 items per user, 20
  users per round, ``--rounds`` rounds, with users' tastes drifting over the run and 20% of
  the items arriving during it.

Regret is the expected clicks lost against each user's best available list
(:mod:`recstack.pipeline.simulation`). Writes ``benchmarks/bandits_regret.png`` and prints
a markdown table of the final cumulative regret and CTR (mean +/- sd over seeds), the
machine and the wall time.

Run:  nice python benchmarks/bandits.py [--seeds 3] [--rounds 2000] [--small-rounds 2000]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from recstack.pipeline.bandits import (
    UCB1,
    BetaThompson,
    ContextualThompson,
    EpsilonGreedy,
    LinUCB,
    Policy,
)
from recstack.pipeline.simulation import BanditEnvironment, SimulationResult

sys.path.insert(0, str(Path(__file__).parent))
from _machine import load_average, peak_rss_mib  # noqa: E402

SMALL = {"n_users": 300, "n_items": 20, "n_interactions": 3000, "n_factors": 4,
         "n_genres": 6}


def policies(env: BanditEnvironment) -> dict[str, Callable[[], Policy]]:
    n, d = env.n_items, env.n_features
    return {
        "epsilon-greedy (0.1)": lambda: EpsilonGreedy(n_items=n, epsilon=0.1),
        "UCB1 (c=2)": lambda: UCB1(n_items=n),
        "UCB1 (c=0.5)": lambda: UCB1(n_items=n, exploration=0.5),
        "Thompson (Beta)": lambda: BetaThompson(n_items=n),
        "contextual Thompson": lambda: ContextualThompson(n_items=n, n_features=d),
        "contextual Thompson (forgetting 0.995)": lambda: ContextualThompson(
            n_items=n, n_features=d, forgetting=0.995),
        "LinUCB (alpha=1)": lambda: LinUCB(n_items=n, n_features=d),
    }


def run_setting(env: BanditEnvironment, seeds: int, **run: int
                ) -> dict[str, list[SimulationResult]]:
    out: dict[str, list[SimulationResult]] = {}
    for name, make in policies(env).items():
        start = time.perf_counter()
        out[name] = [env.run(make(), seed=s, **run) for s in range(seeds)]
        print(f"  {name}: {time.perf_counter() - start:.1f} s", flush=True)
    return out


def table(results: dict[str, list[SimulationResult]]) -> str:
    lines = ["| policy | cumulative regret | CTR |", "|---|---:|---:|"]
    for name, runs in results.items():
        regret = np.array([r.total_regret for r in runs])
        ctr = np.array([r.overall_ctr for r in runs])
        lines.append(f"| {name} | {regret.mean():.0f} ± {regret.std():.0f} | "
                     f"{ctr.mean():.4f} ± {ctr.std():.4f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--small-rounds", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "bandits_regret.png")
    args = parser.parse_args()

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    started = time.perf_counter()
    settings = {
        f"small: 20 items, k=1, 10 users/round, {args.small_rounds} rounds":
            (BanditEnvironment(**SMALL),
             {"n_rounds": args.small_rounds, "users_per_round": 10, "k": 1}),
        f"catalogue: 200 items, k=5, 20 users/round, {args.rounds} rounds, drift + new items":
            (BanditEnvironment(), {"n_rounds": args.rounds, "users_per_round": 20, "k": 5}),
    }
    figure, axes = plt.subplots(1, len(settings), figsize=(13, 5))
    for ax, (title, (env, run)) in zip(axes, settings.items(), strict=True):
        print(f"## {title}", flush=True)
        results = run_setting(env, args.seeds, **run)
        print(table(results), flush=True)
        for name, runs in results.items():
            curve = np.mean([r.cumulative_regret for r in runs], axis=0)
            ax.plot(np.arange(1, len(curve) + 1), curve, label=name)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("round")
        ax.set_ylabel("cumulative regret (expected clicks lost)")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(args.out, dpi=110)
    print(f"\nwrote {args.out}")
    print(f"{args.seeds} seeds; {time.perf_counter() - started:.0f} s wall; "
          f"{platform.processor() or platform.machine()}, load {load_average()}, "
          f"peak RSS {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
