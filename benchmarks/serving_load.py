"""Load test of the HTTP service: throughput and latency at a fixed request rate, during hot
reloads, and the service's resident memory (issue 13, point 9).

    nice python benchmarks/serving_load.py [--rate 1000] [--seconds 10] [--out FILE.md]

What it does:

1. Fits ALS (64 factors, 3 iterations) on a synthetic catalog of 50,000 items in 200
   topics and 20,000 users (20 interactions each, from three topics, popular items of a
   topic more often; a catalog with structure, as real ones have) and publishes it to
   a registry in a temporary folder with its HNSW item index (the recall@10 against exact
   search is printed).
2. Starts ``recstack serve`` (uvicorn, one worker, uvloop/httptools when installed) in a
   subprocess, twice: retrieval only (ANN top-20, seen items excluded), then retrieval of
   200 candidates followed by a re-ranking stage (:class:`MMRStage` below, a stand-in with
   the cost of a diversity re-ranker until :mod:`recstack.pipeline`'s re-rankers land).
3. Drives load from a **separate process**: an open-loop generator on asyncio + aiohttp
   (wrk is not installed here) that schedules request ``i`` at ``t0 + i / rate`` over a
   pool of keep-alive connections and measures each latency from its *scheduled* time, so
   a stalled server cannot hide its queue (no coordinated omission). Phases: steady load;
   the same load with two publish-and-reloads inside it; then a closed-loop run with 32
   connections for the maximum throughput.
4. Reads the server's resident memory (psutil) after the runs, and the load average.

The service and the load generator share the machine's cores, so the figures include
the generator's cost; the load average is printed with them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
N_ITEMS, N_USERS, PER_USER, DIM, K, CANDIDATES = 50_000, 20_000, 20, 64, 20, 200
TOKEN = "b" * 40


# --------------------------------------------------------------------------- re-ranker
class MMRStage:
    """Maximal marginal relevance over the candidates' item vectors (Carbonell & Goldstein,
    1998): pick :math:`\\arg\\max_i \\lambda s_i - (1-\\lambda) \\max_{j \\in S} \\cos(i, j)`
    ``k`` times; a stand-in re-ranker with a realistic cost."""

    name = "mmr"
    kind = "re-ranking"

    def __init__(self, trade_off: float = 0.7) -> None:
        self.trade_off = trade_off

    def __call__(self, request: Any, candidates: Any) -> Any:
        from recstack.serving.service import Candidates

        vectors = request.loaded.index.vectors[candidates.items]
        unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        scores = candidates.scores.astype(np.float64)
        spread = scores.max() - scores.min() or 1.0
        relevance = (scores - scores.min()) / spread
        redundancy = np.full(len(scores), -1.0)
        chosen: list[int] = []
        for _ in range(min(request.k, len(scores))):
            value = self.trade_off * relevance - (1 - self.trade_off) * redundancy
            value[chosen] = -np.inf
            best = int(np.argmax(value))
            chosen.append(best)
            redundancy = np.maximum(redundancy, unit @ unit[best])
        picked = np.asarray(chosen)
        return Candidates(candidates.items[picked], candidates.scores[picked],
                          np.full(len(picked), "mmr", dtype=object))


def mmr_stage(_settings: Any) -> MMRStage:
    return MMRStage()


# --------------------------------------------------------------------------- model
def build_registry(folder: Path, n_items: int, n_users: int) -> tuple[Any, Any, list[str]]:
    from recstack.data.interactions import Interactions
    from recstack.models.als import ALS
    from recstack.serving.registry import ModelRegistry

    rng = np.random.default_rng(0)
    # a catalog with structure, as real ones have: items in 200 topics, each user keeps to
    # three topics and picks popular items of them more often
    topics = 200
    topic = rng.integers(0, topics, n_items)
    order = np.argsort(topic, kind="stable")
    sizes = np.bincount(topic, minlength=topics)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    users = np.repeat(np.arange(n_users), PER_USER)
    favourite = rng.integers(0, topics, (n_users, 3))[users, rng.integers(0, 3, len(users))]
    rank = (rng.random(len(users)) ** 2 * sizes[favourite]).astype(np.int64)
    items = order[starts[favourite] + rank]
    # every item at least once, so the catalog is the full n_items
    items[:n_items] = np.arange(n_items)
    data = Interactions.from_arrays(users, items, duplicates="sum")
    started = time.perf_counter()
    model = ALS(factors=DIM, iterations=3, regularization=0.1, seed=0).fit(data)
    print(f"fitted ALS on {len(data):,} interactions in {time.perf_counter() - started:.1f} s")
    registry = ModelRegistry(folder / "registry")
    started = time.perf_counter()
    version = registry.publish("als", model, data=data, index="hnsw",
                               index_options={"ef_construction": 100, "ef": 100})
    print(f"published with an HNSW index in {time.perf_counter() - started:.1f} s; "
          f"recall@10 {version.manifest['index']['recall_at_10']:.3f}; "
          f"item vectors {version.index.n_items:,} x {version.index.dim}")
    return registry, model, [str(u) for u in model.users_.external_ids[:5000].tolist()]


# --------------------------------------------------------------------------- service
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_service(folder: Path, registry: Any, stages: list[str]) -> tuple[subprocess.Popen,
                                                                           str]:
    import httpx

    port = _free_port()
    (folder / "token").write_text(TOKEN)
    config = folder / f"settings-{port}.json"
    config.write_text(json.dumps({"stages": stages, "candidates": CANDIDATES}))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "benchmarks")])}
    process = subprocess.Popen(
        [sys.executable, "-m", "recstack.cli", "serve", "--registry", registry.root,
         "--port", str(port), "--admin-token-file", str(folder / "token"), "--config",
         str(config), "--log-level", "warning"], cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the service did not start")


# --------------------------------------------------------------------------- load
def _generator(url: str, paths: list[str], rate: float, seconds: float, connections: int,
               closed: bool, queue: Any) -> None:
    """Runs in its own process: open-loop at ``rate`` (or closed-loop) for ``seconds``."""
    import aiohttp

    async def run() -> dict[str, Any]:
        latencies: list[float] = []
        statuses: dict[str, int] = {}
        models: list[str] = []
        connector = aiohttp.TCPConnector(limit=connections, keepalive_timeout=60)
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(url, connector=connector, timeout=timeout) as http:
            loop = asyncio.get_running_loop()
            start = loop.time() + 0.05

            async def one(i: int, scheduled: float) -> None:
                try:
                    async with http.get(paths[i % len(paths)]) as answer:
                        body = await answer.read()
                        key = str(answer.status)
                        if answer.status == 200 and i % 50 == 0:
                            models.append(json.loads(body)["model"])
                except Exception as error:  # counted, not raised: failures are the result
                    key = type(error).__name__
                statuses[key] = statuses.get(key, 0) + 1
                latencies.append(loop.time() - scheduled)

            if closed:
                counter = iter(range(10**9))

                async def worker() -> None:
                    while loop.time() < start + seconds:
                        await one(next(counter), loop.time())

                await asyncio.gather(*(worker() for _ in range(connections)))
            else:
                tasks = []
                n = int(rate * seconds)
                for i in range(n):
                    scheduled = start + i / rate
                    delay = scheduled - loop.time()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    tasks.append(asyncio.create_task(one(i, scheduled)))
                await asyncio.gather(*tasks)
            elapsed = loop.time() - start
        return {"latencies": latencies, "statuses": statuses, "elapsed": elapsed,
                "models": models}

    queue.put(asyncio.run(run()))


def drive(url: str, paths: list[str], *, rate: float, seconds: float, connections: int = 64,
          closed: bool = False, during: Any = None) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_generator, args=(url, paths, rate, seconds,
                                                       connections, closed, queue))
    process.start()
    if during is not None:
        threading.Thread(target=during, daemon=True).start()
    result = queue.get(timeout=seconds + 120)
    process.join()
    latencies = np.asarray(result["latencies"]) * 1000
    ok = result["statuses"].get("200", 0)
    return {"requests": len(latencies), "ok": ok, "failed": len(latencies) - ok,
            "statuses": result["statuses"], "throughput": ok / result["elapsed"],
            "p50": float(np.percentile(latencies, 50)), "p95": float(np.percentile(latencies, 95)),
            "p99": float(np.percentile(latencies, 99)), "max": float(latencies.max()),
            "models": sorted(set(result["models"]))}


def server_histogram(url: str) -> dict[float, float]:
    """The service's own latency histogram of the recommendations endpoint (cumulative
    counts by bucket edge, seconds), from /metrics."""
    import httpx

    text = httpx.get(f"{url}/metrics", timeout=30).text
    counts = {}
    for line in text.splitlines():
        if line.startswith("recstack_request_seconds_bucket{endpoint=\"/users/{user_id}/"
                           "recommendations\""):
            edge = line.split('le="')[1].split('"')[0]
            counts[float("inf") if edge == "+Inf" else float(edge)] = float(line.split()[-1])
    return counts


def server_p99(before: dict[float, float], after: dict[float, float]) -> float:
    """The bucket edge (ms) under which 99% of the phase's requests were served, as the
    service measured them (from request received to response sent; no client queueing)."""
    edges = sorted(after)
    counts = np.array([after[e] - before.get(e, 0.0) for e in edges])
    if counts[-1] == 0:
        return float("nan")
    return edges[int(np.searchsorted(counts, 0.99 * counts[-1]))] * 1000


def rss_mib(pid: int) -> float:
    import psutil

    return psutil.Process(pid).memory_info().rss / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="250,500,1000",
                        help="offered request rates of the steady phases, comma-separated")
    parser.add_argument("--reload-rate", type=float, default=500.0,
                        help="offered rate during the two hot reloads")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--items", type=int, default=N_ITEMS, help="catalog size")
    parser.add_argument("--users", type=int, default=N_USERS)
    parser.add_argument("--out", type=Path, default=None, help="also write the table here")
    args = parser.parse_args()
    from _machine import load_average

    rows = []
    with tempfile.TemporaryDirectory(prefix="recstack-serving-bench-") as scratch:
        folder = Path(scratch)
        registry, model, users = build_registry(folder, args.items, args.users)
        paths = [f"/users/{u}/recommendations?k={K}" for u in users]
        for label, stages in (("retrieval (HNSW top-20)", []),
                              (f"retrieval ({CANDIDATES}) + MMR re-ranking to 20",
                               ["serving_load:mmr_stage"])):
            process, url = start_service(folder, registry, stages)
            try:
                drive(url, paths, rate=200, seconds=3)  # warm-up
                for rate in (float(r) for r in args.rates.split(",")):
                    before = load_average()
                    mark = server_histogram(url)
                    steady = drive(url, paths, rate=rate, seconds=args.seconds)
                    steady["server_p99"] = server_p99(mark, server_histogram(url))
                    rows.append((label, "steady", rate, steady, before))
                # two new versions published ahead (building the HNSW graph takes longer
                # than a phase); inside the phase each becomes current and is reloaded
                fresh = [registry.publish("als", model, index="hnsw", make_current=False,
                                          index_options={"ef_construction": 100, "ef": 100}
                                          ).version for _ in range(2)]

                def reload_twice(url: str = url, fresh: list[int] = fresh) -> None:
                    import httpx

                    for version in fresh:
                        time.sleep(args.seconds / 3)
                        registry.set_current("als", version)
                        answer = httpx.post(f"{url}/admin/reload", timeout=120,
                                            headers={"Authorization": f"Bearer {TOKEN}"})
                        print(f"  reload: {answer.status_code} {answer.text}")

                before = load_average()
                mark = server_histogram(url)
                reloading = drive(url, paths, rate=args.reload_rate, seconds=args.seconds,
                                  during=reload_twice)
                reloading["server_p99"] = server_p99(mark, server_histogram(url))
                rows.append((label, "two hot reloads", args.reload_rate, reloading, before))
                before = load_average()
                mark = server_histogram(url)
                peak = drive(url, paths, rate=0, seconds=5, connections=32, closed=True)
                peak["server_p99"] = server_p99(mark, server_histogram(url))
                rows.append((label, "max (32 connections, closed loop)", None, peak, before))
                memory = rss_mib(process.pid)
                rows.append((label, "memory", None, {"rss": memory}, before))
            finally:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=60)
    lines = ["| configuration | phase | offered req/s | served req/s | p50 ms | p95 ms | "
             "p99 ms | max ms | server p99 ms | failed | versions served | load avg (1/5/15) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for label, phase, rate, r, load in rows:
        if phase == "memory":
            lines.append(f"| {label} | service RSS after the runs | | | | | | | | | | "
                         f"**{r['rss']:.0f} MiB** |")
            continue
        lines.append(f"| {label} | {phase} | {rate or '-'} | {r['throughput']:.0f} | "
                     f"{r['p50']:.2f} | {r['p95']:.2f} | {r['p99']:.2f} | {r['max']:.1f} | "
                     f"<= {r['server_p99']:g} | {r['failed']} of {r['requests']} | "
                     f"{', '.join(r['models'])} | {load} |")
    table = "\n".join(lines)
    print(table)
    if args.out is not None:
        args.out.write_text(table + "\n")


if __name__ == "__main__":
    main()
