"""ALS training speed: recstack's ALS against the implicit library it wraps, in one run.

Both fit the same synthetic interactions (``recstack.data.synthetic.generate``; the
default size is MovieLens-20M-shaped: 138,000 users x 27,000 items, 20M interactions)
with the same factors, threads, iterations and seed, and the same confidence matrix
``1 + alpha * r``. implicit runs as its documentation recommends, with BLAS limited to one
thread (``threadpoolctl``), which is also what recstack does while fitting.

Three numbers per model:

- *s / iteration*: wall-clock seconds of one iteration, measured between consecutive
  iterations (implicit's fit callback; recstack's progress ticks, which come from the
  same callback): the solver's own speed;
- *CPU s / iteration*: the process's CPU seconds (all threads) over the same interval,
  which other processes on a busy machine disturb less than wall-clock time;
- *fit s*: the whole fit, including what happens before the first iteration (recstack:
  building the CSR matrix from ``Interactions`` and the confidence; implicit: its
  transpose and initialisation on a CSR matrix built beforehand).

Ratios are recstack / implicit (1.00 = same speed; the target is within 5%). Runs
alternate between the two, and each number is the minimum over iterations and
``--repeats`` (the least disturbed measurement), so that other load on the machine
affects both alike. Prints a markdown table.

Run ``python benchmarks/als_speed.py --help`` for the options, e.g. a quick check with
``--users 20000 --items 5000 --interactions 1000000``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from contextlib import contextmanager
from typing import Any

import numpy as np
from _machine import load_average


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=138_000)
    parser.add_argument("--items", type=int, default=27_000)
    parser.add_argument("--interactions", type=int, default=20_000_000)
    parser.add_argument("--factors", type=int, nargs="+", default=[64, 128])
    parser.add_argument("--threads", type=int, default=2, help="solver threads (0: all cores)")
    parser.add_argument("--iterations", type=int, default=5, help="ALS iterations per fit")
    parser.add_argument("--repeats", type=int, default=1, help="fits per model and size")
    parser.add_argument("--seed", type=int, default=0, help="data and model seed")
    args = parser.parse_args(argv)

    import implicit
    import implicit.cpu.als as implicit_als
    from threadpoolctl import threadpool_limits

    from recstack import __version__
    from recstack.data.synthetic import generate
    from recstack.models.als import ALS

    print(f"# ALS speed: recstack {__version__} vs implicit {implicit.__version__}\n")
    print(f"- machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load average before: {load_average()}")
    started = time.perf_counter()
    data = generate(n_users=args.users, n_items=args.items, n_interactions=args.interactions,
                    seed=args.seed)
    print(f"- data: {data!r} (generated in {time.perf_counter() - started:.0f} s)")
    # the matrix recstack hands implicit for alpha=1: confidence 1 + 1 * r
    confidence = data.to_csr()
    confidence.data = (1.0 + confidence.data).astype(np.float32)
    print(f"- {args.iterations} iterations per fit, {args.threads} threads, best of "
          f"{args.repeats}; command: python {' '.join(sys.argv)}\n")

    rows = []
    for factors in args.factors:
        best: dict[str, tuple[float, float, float]] = {}
        for _ in range(args.repeats):
            # implicit on its own, as its documentation recommends
            ticks = _Ticks()
            with threadpool_limits(limits=1, user_api="blas"):
                model = implicit_als.AlternatingLeastSquares(
                    factors=factors, regularization=0.01, alpha=1.0, iterations=args.iterations,
                    use_cg=True, num_threads=args.threads, random_state=args.seed)
                ticks.start()
                model.fit(confidence, show_progress=False, callback=lambda *_, t=ticks: t.tick())
            best["implicit"] = _better(best.get("implicit"), ticks.result())
            del model

            ticks = _Ticks()
            ticks.start()
            ALS(factors=factors, regularization=0.01, alpha=1.0, iterations=args.iterations,
                num_threads=args.threads, seed=args.seed).fit(data, progress=ticks)
            best["recstack"] = _better(best.get("recstack"), ticks.result())
        rows.append((factors, best["implicit"], best["recstack"]))

    print("| factors | threads | implicit s / iteration | recstack s / iteration | ratio "
          "| implicit CPU s / iteration | recstack CPU s / iteration | ratio "
          "| implicit fit s | recstack fit s | ratio |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for factors, implicit_numbers, recstack_numbers in rows:
        cells = [f"{factors}", f"{args.threads}"]
        for (theirs, ours, digits) in zip(implicit_numbers, recstack_numbers, (2, 2, 1),
                                          strict=True):
            cells += [f"{theirs:.{digits}f}", f"{ours:.{digits}f}", f"{ours / theirs:.3f}"]
        print("| " + " | ".join(cells) + " |")
    print(f"\nload average after: {load_average()}")
    return 0


class _Ticks:
    """Times iterations: a progress reporter for recstack, and a callback for implicit."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def start(self) -> None:
        self.begin = time.perf_counter()
        self.begin_cpu = time.process_time()

    def tick(self, n: int = 1) -> None:
        self.wall.append(time.perf_counter())
        self.cpu.append(time.process_time())

    def result(self) -> tuple[float, float, float]:
        """(fastest wall seconds of an iteration, fastest CPU seconds of an iteration,
        wall seconds from start to the last iteration)."""
        wall = np.diff([self.begin, *self.wall])[1:] if len(self.wall) > 1 else \
            np.array([self.wall[0] - self.begin])
        cpu = np.diff([self.begin_cpu, *self.cpu])[1:] if len(self.cpu) > 1 else \
            np.array([self.cpu[0] - self.begin_cpu])
        return float(wall.min()), float(cpu.min()), self.wall[-1] - self.begin

    # the progress protocol (recstack.progress)
    @contextmanager
    def task(self, description: str, total: int | None = None) -> Any:
        ticks = self

        class Task:
            def advance(self, n: int = 1) -> None:
                ticks.tick()

            def report(self, **values: Any) -> None:
                pass

        yield Task()


def _better(old: tuple[float, ...] | None, new: tuple[float, ...]) -> tuple[float, float, float]:
    if old is None:
        return new  # type: ignore[return-value]
    return tuple(min(a, b) for a, b in zip(old, new, strict=True))  # type: ignore[return-value]



if __name__ == "__main__":
    raise SystemExit(main())
