"""Runs a pipeline in a child process for the crash and lock tests.

``python driver.py cli ARGS...``         the ``recstack pipeline`` command line
``python driver.py kill-after STEP FILE`` SIGKILL itself once STEP is committed
``python driver.py slow STEP FILE``      sleep 30 s once STEP is committed (holding the lock)
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time


def main() -> int:
    mode = sys.argv[1]
    if mode == "cli":
        from recstack.cli import _run
        from recstack.ops.cli import add_commands

        parser = argparse.ArgumentParser(prog="recstack")
        add_commands(parser.add_subparsers())
        return _run(parser.parse_args(sys.argv[2:]))
    from recstack.ops.pipeline import run_pipeline

    step, path = sys.argv[2], sys.argv[3]

    def on_step(done: str) -> None:
        if done != step:
            return
        if mode == "kill-after":
            os.kill(os.getpid(), signal.SIGKILL)
        print("holding", flush=True)
        time.sleep(30)

    run_pipeline(path, on_step=on_step)
    return 0


if __name__ == "__main__":
    sys.exit(main())
