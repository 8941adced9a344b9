"""Writes that survive a crash (issue #9, point 4).

The central test kills writer processes with SIGKILL before every step of a write (the same
moments on every run, however busy the machine) while they overwrite
a saved model and a folder of files that belong together, and checks after every kill that
each target is a complete version (old or new) and that the next write removes what the
killed writer left behind."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import recstack.atomic as atomic
from recstack.atomic import (
    atomic_directory,
    atomic_path,
    recover,
    write_bytes,
    write_text,
    write_with,
)
from recstack.errors import RecstackError


def _work_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".recstack-" in p.name)


def _dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.fixture
def without_exchange(monkeypatch):
    """As on a system or filesystem without renameat2: the rename-aside fallback."""
    monkeypatch.setattr(atomic, "_renameat2_loaded", True)
    monkeypatch.setattr(atomic, "_renameat2", None)


# --------------------------------------------------------------------------- single files
def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "out.json"
    write_text(target, "old")

    def half_then_fail(path):
        path.write_text("half")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        write_with(target, half_then_fail)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_write_text_creates_missing_folders(tmp_path):
    target = tmp_path / "a" / "b" / "out.txt"
    assert write_text(target, "x") == target and target.read_text() == "x"


def test_temporary_files_say_what_they_are_and_keep_the_extension(tmp_path):
    with atomic_path(tmp_path / "ratings.csv.gz") as temporary:
        assert temporary.parent == tmp_path
        assert temporary.name.startswith(f".ratings.csv.gz.recstack-tmp-{os.getpid()}-")
        assert temporary.name.endswith(".csv.gz")  # pandas infers compression from it
        temporary.write_bytes(b"x")


# --------------------------------------------------------------------------- permissions
@pytest.mark.parametrize(("umask", "file_mode", "folder_mode"),
                         [(0o022, 0o644, 0o755), (0o002, 0o664, 0o775), (0o077, 0o600, 0o700)])
def test_outputs_get_the_users_umask_permissions(tmp_path, umask, file_mode, folder_mode):
    previous = os.umask(umask)
    try:
        write_text(tmp_path / "file.txt", "x")
        with atomic_directory(tmp_path / "folder", overwrite=False) as staging:
            (staging / "inside.txt").write_text("x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "file.txt").stat().st_mode) == file_mode
    assert stat.S_IMODE((tmp_path / "folder").stat().st_mode) == folder_mode


# --------------------------------------------------------------------------- folders
@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "fallback"])
def test_a_folder_is_replaced_whole_and_the_old_one_stays_until_then(tmp_path, exchange,
                                                                     monkeypatch):
    if not exchange:
        monkeypatch.setattr(atomic, "_renameat2_loaded", True)
        monkeypatch.setattr(atomic, "_renameat2", None)
    target = tmp_path / "split"
    with atomic_directory(target, overwrite=False) as staging:
        assert not target.exists()  # nothing appears before the block ends
        (staging / "train.csv").write_text("old train")
        (staging / "test.csv").write_text("old test")
    with atomic_directory(target, overwrite=True) as staging:
        (staging / "train.csv").write_text("new train")
        assert (target / "train.csv").read_text() == "old train"  # still the old one
        assert (target / "test.csv").read_text() == "old test"
    assert sorted(p.name for p in target.iterdir()) == ["train.csv"]
    assert (target / "train.csv").read_text() == "new train"
    assert [p.name for p in tmp_path.iterdir()] == ["split"]


def test_a_failed_block_removes_the_staging_folder_and_leaves_the_target(tmp_path):
    target = tmp_path / "results"
    with atomic_directory(target, overwrite=False) as staging:
        (staging / "a").write_text("a")
    with pytest.raises(KeyError), atomic_directory(target, overwrite=True) as staging:
        (staging / "b").write_text("b")
        raise KeyError("interrupted")
    assert sorted(p.name for p in target.iterdir()) == ["a"]
    assert [p.name for p in tmp_path.iterdir()] == ["results"]


def test_an_existing_folder_is_refused_without_overwrite(tmp_path):
    target = tmp_path / "results"
    target.mkdir()
    (target / "keep").write_text("k")
    with pytest.raises(RecstackError, match=r"results already exists; pass overwrite"), \
            atomic_directory(target, overwrite=False):
        pytest.fail("the block must not run")
    assert (target / "keep").read_text() == "k"
    assert [p.name for p in tmp_path.iterdir()] == ["results"]


def test_a_file_where_a_folder_is_expected_and_the_reverse(tmp_path):
    (tmp_path / "a_file").write_text("x")
    (tmp_path / "a_folder").mkdir()
    with pytest.raises(RecstackError, match=r"a_file: is a file, but a folder"), \
            atomic_directory(tmp_path / "a_file", overwrite=True):
        pass
    with pytest.raises(RecstackError, match=r"a_folder: is a folder, but a file"):
        write_text(tmp_path / "a_folder", "x")
    with pytest.raises(RecstackError, match=r"a_file is a file, not a folder"):
        write_text(tmp_path / "a_file" / "below" / "out.txt", "x")
    with pytest.raises(RecstackError, match=r"a_file is a file, not a folder"), \
            atomic_directory(tmp_path / "a_file" / "out", overwrite=False):
        pass
    assert (tmp_path / "a_file").read_text() == "x"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs a non-root POSIX user (root writes anywhere)")
def test_an_unwritable_parent_is_a_recstack_error(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(RecstackError, match=r"locked.*not writable"):
            write_text(locked / "out.txt", "x")
        with pytest.raises(RecstackError, match=r"locked.*not writable"), \
                atomic_directory(locked / "out", overwrite=False):
            pass
    finally:
        locked.chmod(0o700)


def test_a_read_only_filesystem_error_becomes_a_recstack_error(tmp_path, monkeypatch):
    """An OSError raised by the filesystem itself (here simulated: EROFS) names the path."""
    import errno

    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(atomic.os, "mkdir", refuse)
    with pytest.raises(RecstackError, match=r"out: cannot write: Read-only file system"), \
            atomic_directory(tmp_path / "out", overwrite=False):
        pass


# --------------------------------------------------------------------------- leftovers
def test_leftovers_of_dead_writers_are_removed_by_the_next_write(tmp_path):
    dead, alive = _dead_pid(), os.getppid()
    target = tmp_path / "model"
    stale = [tmp_path / f".model.recstack-tmp-{dead}-0a1b2c3d",
             tmp_path / f".model.recstack-old-{dead}-0a1b2c3e"]
    running = tmp_path / f".model.recstack-tmp-{alive}-0a1b2c3f"
    unrelated = tmp_path / f".other.recstack-tmp-{dead}-0a1b2c40"
    for folder in [*stale, running, unrelated]:
        folder.mkdir()
        (folder / "partial").write_text("half")
    (tmp_path / "model").mkdir()
    with atomic_directory(target, overwrite=True) as staging:
        (staging / "new").write_text("n")
    assert _work_files(tmp_path) == sorted([running.name, unrelated.name])
    stale_file = tmp_path / f".out.txt.recstack-tmp-{dead}-0a1b2c41.txt"
    stale_file.write_text("half")
    write_text(tmp_path / "out.txt", "x")
    assert not stale_file.exists()


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "fallback"])
def test_a_swap_killed_between_its_renames_is_repaired(tmp_path, exchange, monkeypatch):
    """The fallback's only window: the old version set aside, the new one not yet in. The
    next reader (recover, load_model) or writer puts the old version back first."""
    if not exchange:
        monkeypatch.setattr(atomic, "_renameat2_loaded", True)
        monkeypatch.setattr(atomic, "_renameat2", None)
    dead = _dead_pid()
    target = tmp_path / "split"
    aside = tmp_path / f".split.recstack-old-{dead}-00000001"
    staging = tmp_path / f".split.recstack-tmp-{dead}-00000002"
    aside.mkdir()
    (aside / "train.csv").write_text("old")
    staging.mkdir()
    (staging / "train.csv").write_text("new, maybe incomplete")
    recover(target)
    assert (target / "train.csv").read_text() == "old"
    assert _work_files(tmp_path) == []
    # and a writer does the same before refusing or replacing
    target.rename(aside)
    with pytest.raises(RecstackError, match="already exists"), \
            atomic_directory(target, overwrite=False):
        pass
    assert (target / "train.csv").read_text() == "old"


# --------------------------------------------------------------------------- SIGKILL
# The writers are killed before every step of a write, not after a random sleep: which
# moment a sleep hits depends on how busy the machine is (a loaded runner once saw too few
# complete writes, 19 of the 20 needed, and failed), while a step count kills at the same
# moments on every run. A step is one filesystem call (open, mkdir, fsync, rename, replace,
# exchange, unlink, rmdir). The targets change only inside such calls, so a kill before each
# of them reaches every state a kill at any instant could leave on disk; a file cut short
# in the middle of being written is a staging file, which nothing ever swaps in.
_STEPS = ("open", "replace", "rename", "fsync", "mkdir", "unlink", "rmdir")

_WRITER = textwrap.dedent("""
    import io, json, os, signal, sys
    import numpy as np
    import recstack.atomic as atomic
    from recstack.atomic import atomic_directory
    from recstack.data.interactions import Interactions
    from recstack.models import create_model
    from recstack.models.persistence import save_model

    model_target, group_target = sys.argv[1], sys.argv[2]
    rng = np.random.default_rng(0)
    n_items = 20_000
    train = Interactions.from_arrays(rng.integers(0, 2_000, 50_000), np.arange(50_000) % n_items)
    model = create_model("most_popular").fit(train)

    def write(version):
        # the saved popularity is the version: a complete artifact is one constant (never
        # zero: a saved popularity of zeros only is refused at load as damaged)
        model.popularity_ = np.full(n_items, version, np.float32)
        save_model(model, model_target, overwrite=True)
        with atomic_directory(group_target, overwrite=True) as staging:
            line = f"{version}\\n"
            (staging / "interactions.csv").write_text(line * 20_000)
            (staging / "items.csv").write_text(line * 5_000)
            (staging / "report.json").write_text(json.dumps({"version": version}))

    def use_fallback():
        # as on a system or filesystem without renameat2: old aside, new in, old deleted
        atomic._renameat2_loaded, atomic._renameat2 = True, None

    def count_steps(on_step):
        for module, names in ((os, STEPS), (io, ("open",)), (atomic, ("_rename_exchange",))):
            for name in names:
                def step(*args, _original=getattr(module, name), **kwargs):
                    on_step()
                    return _original(*args, **kwargs)
                setattr(module, name, step)

    def run_writer(mode, on_step):
        # in a forked child, so that this process stays unpatched
        child = os.fork()
        if child == 0:
            if mode == "fallback":
                use_fallback()
            count_steps(on_step)
            on_step.write()
        return child

    write(1)
    # how many steps one overwrite takes, in each mode
    sizes = []
    for mode in ("exchange", "fallback"):
        steps = [0]
        def counter():
            steps[0] += 1
        def write_once():
            write(1)
            os._exit(min(steps[0], 255))
        counter.write = write_once
        child = run_writer(mode, counter)
        sizes.append(os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]))
    print("ready", *sizes, flush=True)
    # one writer per request; it kills itself just before its STOP-th step
    for request in sys.stdin:
        mode, first, stop = request.split()
        steps = [0]
        def killer(stop=int(stop)):
            steps[0] += 1
            if steps[0] == stop:
                os.kill(os.getpid(), signal.SIGKILL)
        def write_on(version=int(first)):
            while True:
                version += 1
                write(version)
        killer.write = write_on
        child = run_writer(mode, killer)
        print(os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]), flush=True)
""").replace("STEPS", repr(_STEPS))


def _check_group(folder: Path) -> int:
    """The version a folder group holds, after checking that its files agree and are whole."""
    version = json.loads((folder / "report.json").read_text())["version"]
    interactions = (folder / "interactions.csv").read_text().splitlines()
    items = (folder / "items.csv").read_text().splitlines()
    assert interactions == [str(version)] * 20_000
    assert items == [str(version)] * 5_000
    return version


def test_writers_killed_at_every_moment_never_leave_a_broken_target(tmp_path):
    from recstack.models import load_model
    from recstack.models.persistence import save_model

    model_target, group_target = tmp_path / "model", tmp_path / "split"
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(model_target),
                               str(group_target)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[1])
    kills, interrupted, half_swapped, versions_seen = 0, 0, 0, set()
    try:
        ready, *sizes = writer.stdout.readline().split()
        assert ready == "ready"
        size = dict(zip(("exchange", "fallback"), map(int, sizes), strict=True))
        assert size["fallback"] > size["exchange"] > 10, size
        # every step of an overwrite in both modes, then one past a whole write
        plan = [(mode, stop) for mode in ("exchange", "fallback")
                for stop in range(1, size[mode] + 2)]
        version, previous = 1, (1, 1)
        for kill, (mode, stop) in enumerate(plan):
            writer.stdin.write(f"{mode} {version} {stop}\n")
            writer.stdin.flush()
            assert int(writer.stdout.readline()) == -signal.SIGKILL, "the writer was not killed"
            kills += 1

            interrupted += bool(_work_files(tmp_path))
            half_swapped += not model_target.exists() or not group_target.exists()
            model = load_model(model_target)  # repairs a half-done swap first
            popularity = model.popularity_
            assert popularity.min() == popularity.max(), "a mix of two versions"
            model_version = int(popularity[0])
            recover(group_target)
            group_version = _check_group(group_target)
            # versions only move forward, and each is written model first, then group
            assert model_version >= previous[0] and previous[1] <= group_version <= model_version
            previous = (model_version, group_version)
            versions_seen.add(model_version)
            version = model_version + 1000  # tells the writers apart

            if kill % 4 == 3:  # the next write removes what the killed writer left
                save_model(model, model_target, overwrite=True)
                with atomic_directory(group_target, overwrite=True) as staging:
                    for name in ("interactions.csv", "items.csv", "report.json"):
                        (staging / name).write_bytes((group_target / name).read_bytes())
                assert _work_files(tmp_path) == []
                assert _check_group(group_target) == group_version
    finally:
        writer.stdin.close()
        writer.kill()
        writer.wait()
    print(f"{kills} kills: {interrupted} inside a write, {half_swapped} between the "
          f"fallback's renames, {len(versions_seen)} distinct versions seen")
    assert interrupted >= kills // 2, "too few kills landed inside a write to test anything"
    # the model's and the folder's set-aside-then-rename-in, each killed in between
    assert half_swapped >= 2, "no kill landed between the fallback's two renames"
    assert len(versions_seen) > kills // 3


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_on_linux_an_overwrite_is_one_atomic_exchange(tmp_path, monkeypatch):
    """Where renameat2 exists, the target is never renamed away (no instant without it)."""
    if atomic._load_renameat2() is None:
        pytest.skip("this C library has no renameat2")
    probe_a, probe_b = tmp_path / "a", tmp_path / "b"
    probe_a.mkdir()
    probe_b.mkdir()
    if not atomic._rename_exchange(probe_a, probe_b):
        pytest.skip("this filesystem refuses RENAME_EXCHANGE")
    target = tmp_path / "split"
    with atomic_directory(target, overwrite=False) as staging:
        (staging / "train.csv").write_text("old")

    def no_plain_rename(*args):
        raise AssertionError("the target was renamed aside instead of exchanged")

    monkeypatch.setattr(atomic.os, "rename", no_plain_rename)
    with atomic_directory(target, overwrite=True) as staging:
        (staging / "train.csv").write_text("new")
    monkeypatch.undo()
    assert (target / "train.csv").read_text() == "new"
    assert _work_files(tmp_path) == []


def test_a_folder_that_appears_after_the_last_check_is_never_replaced(tmp_path, monkeypatch):
    """Two writers of one new folder without overwrite (e.g. two publishers taking the same
    version number): the one whose swap comes second fails; it never exchanges the
    winner's folder for its own."""
    target = tmp_path / "00000003"
    real_check = atomic._check_replaceable
    checks = []

    def check_then_lose_the_race(path, *, overwrite):
        real_check(path, overwrite=overwrite)
        checks.append(path)
        if len(checks) == 2:  # the other writer lands between the last check and the swap
            path.mkdir()
            (path / "theirs.txt").write_text("theirs")

    monkeypatch.setattr(atomic, "_check_replaceable", check_then_lose_the_race)
    with pytest.raises(RecstackError, match="appeared meanwhile"):
        with atomic_directory(target, overwrite=False) as staging:
            (staging / "mine.txt").write_text("mine")
    assert [p.name for p in target.iterdir()] == ["theirs.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["00000003"]  # no staging left behind


def test_paths_no_filesystem_can_hold_are_recstack_errors(tmp_path):
    """A NUL character was a ValueError and an over-long name an OSError from pathlib."""
    with pytest.raises(RecstackError, match=r"a path cannot hold a NUL character"):
        write_text(tmp_path / "a\0b", "x")
    with pytest.raises(RecstackError, match=r"a path cannot hold a NUL character"):
        with atomic_directory(tmp_path / "a\0b", overwrite=False):
            pass
    long_name = tmp_path / ("a" * 300)
    # the operating system's "File name too long" named neither the part nor the limit
    too_long = (r"^cannot write there: the path is a name longer than the file system "
                r"allows: its part 'a{30}\.\.\.a{15}' \(300 characters\) is 300 bytes long, "
                r"and a file or folder name holds at most 255; choose a shorter name$")
    with pytest.raises(RecstackError, match=too_long):
        write_text(long_name, "x")
    with pytest.raises(RecstackError, match=too_long):
        with atomic_directory(long_name, overwrite=False):
            pass
    assert _work_files(tmp_path) == []


def test_a_path_of_the_wrong_type_or_empty_is_a_recstack_error():
    with pytest.raises(RecstackError, match=r"^path: expected a path .*got NoneType None"):
        write_text(None, "x")
    with pytest.raises(RecstackError, match=r"^path: an empty path"):
        with atomic_directory("", overwrite=True):
            pass


# ---------------------------------------------------------------- links where outputs go
@pytest.fixture
def links(tmp_path):
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "real").mkdir()
    (tmp_path / "to_folder").symlink_to(tmp_path / "real")
    return tmp_path


@pytest.mark.parametrize(("name", "described"), [
    ("loop", "a symbolic link that loops \\(it leads back to itself\\)"),
    ("dangling", "a symbolic link to '.*nowhere', which does not exist"),
    ("to_folder", "a symbolic link to the folder '.*real'"),
])
def test_a_link_where_a_folder_is_to_be_written_is_named_as_a_link(links, name, described):
    # each was "is a file, but a folder is to be written there"
    with pytest.raises(RecstackError, match=rf"{name}: is {described}, but a folder is to be "
                                            r"written there; choose another name or remove it"):
        with atomic_directory(links / name, overwrite=True):
            pass
    assert (links / name).is_symlink()


def test_a_looping_link_where_a_file_is_to_be_written_is_kept_and_named(links):
    # the write replaced the link with the file without a word
    with pytest.raises(RecstackError, match=r"loop: is a symbolic link that loops \(it leads "
                                            r"back to itself\), but a file is to be written"):
        write_text(links / "loop", "text")
    assert (links / "loop").is_symlink()



def test_a_dangling_link_or_a_pipe_where_a_file_is_to_be_written_is_kept_and_named(links):
    # the write replaced either with the file without a word: the link's target (a folder
    # not mounted yet) or the pipe's reader never saw it
    with pytest.raises(RecstackError, match=r"dangling: is a symbolic link to '.*nowhere', "
                                            r"which does not exist, but a file is to be "
                                            r"written there; choose another name or remove "
                                            r"the link$"):
        write_text(links / "dangling", "text")
    assert (links / "dangling").is_symlink()
    os.mkfifo(links / "pipe")
    with pytest.raises(RecstackError, match=r"pipe: is a pipe, socket or device, but a file "
                                            r"is to be written there; choose another name or "
                                            r"remove it$"):
        write_bytes(links / "pipe", b"x")
    assert stat.S_ISFIFO(os.lstat(links / "pipe").st_mode)
    assert sorted(p.name for p in links.iterdir()) == ["dangling", "loop", "pipe", "real",
                                                       "to_folder"]

@pytest.mark.parametrize("inside", ["x", "x/y"])
def test_a_looping_link_above_the_output_is_named_as_the_blocker(links, inside):
    # was "<loop> is a file, not a folder" (or the system's 'Too many levels of symbolic links')
    with pytest.raises(RecstackError, match=rf"loop/{inside}: cannot write here: .*loop is a "
                                            r"symbolic link that loops .*, not a folder"):
        with atomic_directory(links / "loop" / inside, overwrite=False):
            pass
    with pytest.raises(RecstackError, match=r"cannot write here: .*loop is a symbolic link "
                                            r"that loops .*, not a folder"):
        write_text(links / "loop" / inside / "f.txt", "text")


def test_a_leading_tilde_is_the_home_folder_for_every_writer(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    write_text("~/out/a.txt", "a")
    with atomic_directory("~/folder", overwrite=False) as staging:
        (staging / "b.txt").write_text("b")
    assert (tmp_path / "home" / "out" / "a.txt").read_text() == "a"
    assert (tmp_path / "home" / "folder" / "b.txt").read_text() == "b"
    assert not (tmp_path / "~").exists()
