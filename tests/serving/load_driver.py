"""Steady load from a separate process, for the reload test and the benchmark's checks:
``python -m tests.serving.load_driver URL PATHS_FILE OUT STOP_FILE [INTERVAL]``.

Sends GETs of the paths (one per line, in turn) every INTERVAL seconds (default 0.005)
from one connection until STOP_FILE exists, and writes one JSON line per request to OUT:
``{"t": seconds, "status": code or null, "model": "name@v" or null, "error": text}``.
Each line is flushed as it is written, so that a test can wait on what the driver has seen
(a fixed sleep before the first reload missed the first version whenever the driver took
longer than the sleep to start)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import httpx


def main(url: str, paths_file: str, out: str, stop_file: str, interval: float = 0.005) -> None:
    paths = Path(paths_file).read_text().split()
    stop = Path(stop_file)
    started = time.perf_counter()
    with httpx.Client(base_url=url, timeout=10.0) as http, \
            open(out, "w", buffering=1) as sink:  # line-buffered: readable as it goes
        i = 0
        while not stop.exists():
            record: dict[str, object] = {"t": time.perf_counter() - started}
            try:
                answer = http.get(paths[i % len(paths)])
                record["status"] = answer.status_code
                record["model"] = answer.json().get("model")
            except Exception as error:  # a failed request is what the test looks for
                record.update(status=None, model=None, error=repr(error))
            sink.write(json.dumps(record) + "\n")
            i += 1
            time.sleep(interval)


if __name__ == "__main__":
    main(*sys.argv[1:5], *(float(x) for x in sys.argv[5:6]))
