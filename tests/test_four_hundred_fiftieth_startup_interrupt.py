"""A Ctrl-C while the ``recstack`` command is still starting (importing numpy and the
library) ends it as one later does: one line, ``recstack: interrupted``, and status 130
(128 + SIGINT), never a traceback of the module being imported."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

PATIENCE_SECONDS = 120  # generous: the machine may be busy with other tests

#: run by the child's ``site`` before anything else: on the import of the module named in
#: $INTERRUPT_AT, Ctrl-C is sent to the process itself (or, with $ANNOUNCE_AT, the name is
#: written on stderr, for the test to send it later)
_SITECUSTOMIZE = """\
import os, signal, sys

def _hook(event, args):
    if event != "import":
        return
    if args[0] == os.environ.get("INTERRUPT_AT"):
        os.kill(os.getpid(), signal.SIGINT)
    if args[0] == os.environ.get("ANNOUNCE_AT"):
        os.write(2, ("importing " + args[0] + "\\n").encode())

sys.addaudithook(_hook)
"""

#: a command that runs for seconds after it has started
_LONG_COMMAND = ["data", "info", "synthetic:n_users=20000,n_items=5000,n_interactions=2000000"]


def _launchers() -> list[list[str]]:
    launchers = [[sys.executable, "-m", "recstack.cli"]]
    script = Path(sysconfig.get_path("scripts")) / "recstack"
    if script.exists():  # the console script pip made (absent where recstack runs unbuilt)
        launchers.append([str(script)])
    return launchers


@pytest.fixture
def hooked_environment(tmp_path):
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(_SITECUSTOMIZE)
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(hooks), *filter(None, [environment.get("PYTHONPATH")])])
    for name in ("INTERRUPT_AT", "ANNOUNCE_AT"):
        environment.pop(name, None)
    return environment


@pytest.mark.parametrize("launcher", _launchers(), ids=lambda argv: Path(argv[-1]).name)
@pytest.mark.parametrize("module", [
    "argparse",  # among the first imports of recstack.cli
    "numpy",  # the longest part of the start
    "recstack.errors", "recstack.specs",
    "recstack.data.synthetic",  # imported by the command itself, once main() runs
])
def test_a_ctrl_c_at_any_import_ends_with_one_line_and_status_130(
        hooked_environment, tmp_path, launcher, module):
    # before: a KeyboardInterrupt traceback ending in the module being imported (status 1
    # or killed by SIGINT) for every module imported before main() ran
    hooked_environment["INTERRUPT_AT"] = module
    done = subprocess.run([*launcher, *_LONG_COMMAND], cwd=tmp_path, env=hooked_environment,
                          capture_output=True, text=True, timeout=PATIENCE_SECONDS)
    assert (done.returncode, done.stderr) == (130, "recstack: interrupted\n")
    assert done.stdout == ""


@pytest.mark.parametrize("delay", [0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4])
def test_a_ctrl_c_sent_at_any_moment_of_the_start_ends_with_one_line_and_status_130(
        hooked_environment, tmp_path, delay):
    # the moments are counted from the start of numpy's import, which recstack.cli begins
    # with: the imports before it are Python's own start and the launcher's
    hooked_environment["ANNOUNCE_AT"] = "numpy"
    process = subprocess.Popen([sys.executable, "-m", "recstack.cli", *_LONG_COMMAND],
                               cwd=tmp_path, env=hooked_environment, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stderr is not None
        assert process.stderr.readline() == "importing numpy\n"
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=PATIENCE_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert (process.returncode, err) == (130, "recstack: interrupted\n")
    assert out == ""


def test_a_program_importing_the_cli_keeps_its_own_ctrl_c():
    # only the command quits at once: a program that imports recstack.cli (a test, a
    # notebook) still gets its KeyboardInterrupt, and main() leaves it as it was
    program = ("import contextlib, signal, recstack.cli\n"
               "assert signal.getsignal(signal.SIGINT) is signal.default_int_handler\n"
               "with contextlib.suppress(SystemExit):\n"
               "    recstack.cli.main(['--version'])\n"
               "assert signal.getsignal(signal.SIGINT) is signal.default_int_handler\n")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          timeout=PATIENCE_SECONDS)
    assert done.returncode == 0, done.stderr
