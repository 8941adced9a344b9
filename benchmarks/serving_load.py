"""Load test of the HTTP service: throughput and latency at fixed request rates, during hot
reloads, for retrieval alone, with the pipeline's re-ranking chains, and with a two-stage
ranker; and the service's resident memory (issue 13, point 9).

    nice python benchmarks/serving_load.py [--rates 250,500,1000] [--seconds 10] [--out F.md]

What it does:

1. Fits ALS (64 factors, 3 iterations) on a synthetic catalog of 50,000 items in 200
   topics and 20,000 users (20 interactions each, from three topics, popular items of a
   topic more often; a catalog with structure, as real ones have) and publishes it to
   a registry in a temporary folder with its HNSW item index (the recall@10 against exact
   search is printed). Fits a two-stage model on the first 5,000 users of the same data
   (every item of the catalog among their interactions): ALS and the popularity list
   propose 115 items each (about 200 candidates after their overlap), LightGBM (100 trees)
   ranks their union.
2. Starts ``recstack serve`` (uvicorn, one worker, uvloop/httptools when installed) in a
   subprocess per configuration (:data:`CHAINS`): retrieval only (ANN top-20, seen items
   excluded); retrieval of 100 candidates re-ranked by the pipeline's
   ``popularity_penalty`` (the settings' ``rerank`` chain); retrieval of 200 re-ranked
   by ``block_list`` and ``mmr`` over the ALS vectors (greedy for the first 20 places);
   the two-stage model.
3. Drives load from a **separate process**: ``wrk`` when it is installed (C, one thread:
   the cheapest generator on the shared cores), paced to the offered rate by a Lua script
   that gives request ``i`` the send time ``t0 + i / rate`` (``delay()``); a request whose
   send time has passed when its connection frees up is sent at once and counted as
   *late*: the share of late sends says how much queueing wrk's send-to-receive latency
   could hide (coordinated omission). Without wrk, an open-loop asyncio + aiohttp
   generator measures each latency from its scheduled time. Phases: steady load at each
   rate; the same load with two publish-and-reloads inside it; then a closed-loop run
   with 32 connections for the maximum throughput.
4. Reads, per phase, the service's own p99 (from its Prometheus histogram: request in to
   response out) and its CPU time per request (``/proc``), and after the runs its resident
   memory and the load average.

The service and the load generator share the machine's cores (and other jobs: the load
average is printed with every phase), so the CPU milliseconds per request are the figure
that transfers to another machine; latency percentiles depend on what else runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import shutil
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
from _machine import cpu_seconds, load_average, status_bytes  # noqa: E402

N_ITEMS, N_USERS, PER_USER, DIM, K, CANDIDATES = 50_000, 20_000, 20, 64, 20, 200
TWO_STAGE_USERS, TWO_STAGE_PER_SOURCE = 5_000, 115
TOKEN = "b" * 40
#: the re-ranking configurations: (label, settings)
CHAINS = [
    ("retrieval (HNSW top-20)", {}),
    ("retrieval (100) + popularity_penalty", {"candidates": 100, "rerank": [
        {"type": "popularity_penalty", "strength": 0.3}]}),
    (f"retrieval ({CANDIDATES}) + block_list + MMR (model vectors, depth 20)",
     {"candidates": CANDIDATES, "rerank": [
         {"type": "block_list", "items": list(range(10))},
         {"type": "mmr", "trade_off": 0.7, "features": "model", "depth": K}]}),
]

# request i is due at t0 + i / rate; LuaJIT's ffi reads the monotonic clock
WRK_SCRIPT = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } recstack_timespec;
int clock_gettime(int clk_id, recstack_timespec *tp);
]]
local clock = ffi.new("recstack_timespec")
local function now()
  ffi.C.clock_gettime(1, clock)
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) * 1e-9
end
local paths = {}
for line in io.lines(os.getenv("RECSTACK_PATHS")) do paths[#paths + 1] = line end
local rate = tonumber(os.getenv("RECSTACK_RATE") or "0")
local counter, slot, start = 0, 0, nil
late, max_late, models = 0, 0, {}

request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

if rate > 0 then
  delay = function()
    local t = now()
    if start == nil then start = t end
    slot = slot + 1
    local wait = (start + slot / rate - t) * 1000
    if wait < 0 then
      late = late + 1
      if -wait > max_late then max_late = -wait end
      return 0
    end
    return math.floor(wait)
  end
end

if os.getenv("RECSTACK_TRACK") == "1" then
  response = function(status, headers, body)
    local model = body:match('"model":"([^"]+)"')
    if model then models[model] = (models[model] or 0) + 1 end
  end
end

local threads = {}
setup = function(thread) table.insert(threads, thread) end

done = function(summary, latency, requests)
  local late_total, worst, seen = 0, 0, {}
  for _, thread in ipairs(threads) do
    late_total = late_total + thread:get("late")
    worst = math.max(worst, thread:get("max_late"))
    for name, count in pairs(thread:get("models")) do seen[name] = (seen[name] or 0) + count end
  end
  local names = {}
  for name, _ in pairs(seen) do names[#names + 1] = '"' .. name .. '"' end
  local e = summary.errors
  io.write(string.format(
    'RECSTACK {"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "p99": %f, ' ..
    '"max": %f, "errors": %d, "status_errors": %d, "late": %d, "max_late_ms": %f, ' ..
    '"models": [%s]}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout, e.status, late_total, worst,
    table.concat(names, ", ")))
end
"""


# --------------------------------------------------------------------------- models
def synthetic_data(n_items: int, n_users: int) -> Any:
    """Users keeping to three of 200 topics, popular items of a topic picked more often,
    every item at least once; timestamps over a year (the two-stage model needs them)."""
    from recstack.data.interactions import Interactions

    rng = np.random.default_rng(0)
    topics = 200
    topic = rng.integers(0, topics, n_items)
    order = np.argsort(topic, kind="stable")
    sizes = np.bincount(topic, minlength=topics)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    users = np.repeat(np.arange(n_users), PER_USER)
    favourite = rng.integers(0, topics, (n_users, 3))[users, rng.integers(0, 3, len(users))]
    rank = (rng.random(len(users)) ** 2 * sizes[favourite]).astype(np.int64)
    items = order[starts[favourite] + rank]
    # every item at least once (among the first users), so the catalog is the full n_items
    items[:n_items] = np.arange(n_items)
    times = 1_700_000_000 + rng.integers(0, 365 * 86_400, len(users))
    return Interactions.from_arrays(users, items, timestamps=times, duplicates="sum")


def build_registry(folder: Path, n_items: int, n_users: int, *, two_stage: bool = True
                   ) -> tuple[Any, Any, list[str]]:
    """The registry with ``als`` (HNSW index) and, with ``two_stage``, ``ts``; returns it,
    the ALS model and 5,000 user ids to ask for."""
    from recstack.models import create_model
    from recstack.models.als import ALS
    from recstack.serving.registry import ModelRegistry

    data = synthetic_data(n_items, n_users)
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
    if two_stage:
        subset = data.for_users(np.arange(min(TWO_STAGE_USERS, n_users)))
        started = time.perf_counter()
        ranked = create_model(
            "two_stage", n_candidates=TWO_STAGE_PER_SOURCE, negatives="uniform",
            negative_rate=0.2,
            generators=[{"type": "als", "factors": DIM, "iterations": 3,
                         "regularization": 0.1, "seed": 0}, {"type": "most_popular"}],
            ranker={"type": "lightgbm", "loss": "binary", "n_estimators": 100,
                    "n_jobs": 1}).fit(subset)
        sizes = np.bincount(ranked.candidates(np.arange(500)).users, minlength=500)
        print(f"fitted the two-stage model on {len(subset):,} interactions in "
              f"{time.perf_counter() - started:.1f} s; {sizes.mean():.0f} candidates per user "
              f"on average (min {sizes.min()}, max {sizes.max()})")
        registry.publish("ts", ranked, data=subset)
    return registry, model, [str(u) for u in model.users_.external_ids[:5000].tolist()]


# --------------------------------------------------------------------------- service
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_service(folder: Path, registry: Any, model: str, settings: dict[str, Any]
                  ) -> tuple[subprocess.Popen, str]:
    import httpx

    port = _free_port()
    (folder / "token").write_text(TOKEN)
    config = folder / f"settings-{port}.json"
    config.write_text(json.dumps(settings))
    process = subprocess.Popen(
        [sys.executable, "-m", "recstack.cli", "serve", "--registry", registry.root,
         "--model", model, "--port", str(port), "--admin-token-file", str(folder / "token"),
         "--config", str(config), "--log-level", "warning"], cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(1500):
        try:
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise RuntimeError("the service exited")
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("the service did not start")


# --------------------------------------------------------------------------- load
def drive_wrk(url: str, paths_file: Path, *, rate: float, seconds: float,
              connections: int, track: bool = False, during: Any = None) -> dict[str, Any]:
    """``wrk`` paced at ``rate`` (0: as fast as the connections go)."""
    script = paths_file.with_suffix(".lua")
    script.write_text(WRK_SCRIPT)
    env = {**os.environ, "RECSTACK_PATHS": str(paths_file), "RECSTACK_RATE": str(rate),
           "RECSTACK_TRACK": "1" if track else "0"}
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s",
               "-s", str(script), url]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    if during is not None:
        threading.Thread(target=during, daemon=True).start()
    out, _ = process.communicate(timeout=seconds + 120)
    line = next((x for x in out.splitlines() if x.startswith("RECSTACK ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    r = json.loads(line[len("RECSTACK "):])
    failed = r["errors"] + r["status_errors"]
    return {"requests": r["requests"], "ok": r["requests"] - r["status_errors"],
            "failed": failed, "throughput": (r["requests"] - r["status_errors"]) / r["seconds"],
            "p50": r["p50"], "p95": r["p95"], "p99": r["p99"], "max": r["max"],
            "late": r["late"] / max(r["requests"], 1), "models": sorted(r["models"])}



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


def drive(url: str, paths: list[str], paths_file: Path, *, rate: float, seconds: float,
          connections: int = 32, closed: bool = False, track: bool = False,
          during: Any = None) -> dict[str, Any]:
    """One phase of load: wrk when installed, else the aiohttp generator."""
    if shutil.which("wrk"):
        return drive_wrk(url, paths_file, rate=0 if closed else rate, seconds=seconds,
                         connections=connections, track=track, during=during)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_generator, args=(url, paths, rate, seconds,
                                                       connections * 2, closed, queue))
    process.start()
    if during is not None:
        threading.Thread(target=during, daemon=True).start()
    result = queue.get(timeout=seconds + 120)
    process.join()
    latencies = np.asarray(result["latencies"]) * 1000
    ok = result["statuses"].get("200", 0)
    return {"requests": len(latencies), "ok": ok, "failed": len(latencies) - ok,
            "throughput": ok / result["elapsed"], "late": float("nan"),
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
    return status_bytes("VmRSS", pid) / 2**20


def phase(url: str, pid: int, paths: list[str], paths_file: Path, **options: Any
          ) -> dict[str, Any]:
    """A phase with the service's own p99 and CPU time per request added."""
    before, mark, cpu = load_average(), server_histogram(url), cpu_seconds(pid)
    result = drive(url, paths, paths_file, **options)
    result["server_p99"] = server_p99(mark, server_histogram(url))
    result["cpu_ms"] = (cpu_seconds(pid) - cpu) * 1000 / max(result["requests"], 1)
    result["load"] = f"{before} / {load_average()}"
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="250,500,1000",
                        help="offered request rates of the steady phases, comma-separated")
    parser.add_argument("--two-stage-rates", default="100,250,500",
                        help="offered rates of the two-stage configuration")
    parser.add_argument("--reload-rate", type=float, default=500.0,
                        help="offered rate during the two hot reloads")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--items", type=int, default=N_ITEMS, help="catalog size")
    parser.add_argument("--users", type=int, default=N_USERS)
    parser.add_argument("--only", default=None,
                        help="run only the configurations whose label contains this text")
    parser.add_argument("--out", type=Path, default=None, help="also write the table here")
    args = parser.parse_args()
    print(f"load generator: {'wrk' if shutil.which('wrk') else 'aiohttp (wrk not found)'}")
    rows = []
    configurations = [(label, "als", settings, args.rates, True)
                      for label, settings in CHAINS]
    configurations.append((f"two-stage: ALS + popularity ({TWO_STAGE_PER_SOURCE} each), "
                           "LightGBM ranker", "ts", {}, args.two_stage_rates, False))
    if args.only:
        configurations = [c for c in configurations if args.only in c[0]]
    with tempfile.TemporaryDirectory(prefix="recstack-serving-bench-") as scratch:
        folder = Path(scratch)
        registry, model, users = build_registry(
            folder, args.items, args.users,
            two_stage=any(name == "ts" for _, name, *_ in configurations))
        paths = [f"/users/{u}/recommendations?k={K}" for u in users]
        paths_file = folder / "paths.txt"
        paths_file.write_text("\n".join(paths) + "\n")
        for label, name, settings, rates, reloads in configurations:
            process, url = start_service(folder, registry, name, settings)
            try:
                drive(url, paths, paths_file, rate=200, seconds=3)  # warm-up
                for rate in (float(r) for r in rates.split(",")):
                    rows.append((label, "steady", rate,
                                 phase(url, process.pid, paths, paths_file, rate=rate,
                                       seconds=args.seconds)))
                if reloads:
                    # two new versions published ahead (building the HNSW graph takes
                    # longer than a phase); inside the phase each becomes current and is
                    # reloaded
                    fresh = [registry.publish(
                        name, model, index="hnsw", make_current=False,
                        index_options={"ef_construction": 100, "ef": 100}).version
                        for _ in range(2)]

                    def reload_twice(url: str = url, fresh: list[int] = fresh,
                                     name: str = name) -> None:
                        import httpx

                        for version in fresh:
                            time.sleep(args.seconds / 3)
                            registry.set_current(name, version)
                            answer = httpx.post(f"{url}/admin/reload", timeout=120,
                                                headers={"Authorization": f"Bearer {TOKEN}"})
                            print(f"  reload: {answer.status_code} {answer.text}")

                    rows.append((label, "two hot reloads", args.reload_rate,
                                 phase(url, process.pid, paths, paths_file,
                                       rate=args.reload_rate, seconds=args.seconds,
                                       track=True, during=reload_twice)))
                rows.append((label, "max (32 connections, closed loop)", None,
                             phase(url, process.pid, paths, paths_file, rate=0, seconds=5,
                                   closed=True, track=True)))
                rows.append((label, "memory", None, {"rss": rss_mib(process.pid)}))
            finally:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=60)
    lines = ["| configuration | phase | offered req/s | served req/s | p50 ms | p95 ms | "
             "p99 ms | max ms | late sends | server p99 ms | server CPU ms/req | failed | "
             "versions served | load avg before / after |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for label, name, rate, r in rows:
        if name == "memory":
            lines.append(f"| {label} | service RSS after the runs | | | | | | | | | | | | "
                         f"**{r['rss']:.0f} MiB** |")
            continue
        lines.append(f"| {label} | {name} | {rate or '-'} | {r['throughput']:.0f} | "
                     f"{r['p50']:.2f} | {r['p95']:.2f} | {r['p99']:.2f} | {r['max']:.1f} | "
                     f"{r['late']:.1%} | <= {r['server_p99']:g} | {r['cpu_ms']:.2f} | "
                     f"{r['failed']} of {r['requests']} | {', '.join(r['models'])} | "
                     f"{r['load']} |")
    table = "\n".join(lines)
    print(table)
    if args.out is not None:
        args.out.write_text(table + "\n")


if __name__ == "__main__":
    main()
