"""Faults that must lose nothing: saves killed midway, a full disk, a dead kernel, a killed quarterly run.

Each fault is real: processes are killed with SIGKILL, the disk limit is the operating system's (a file
size limit, and a tiny tmpfs where the machine lets the test mount one), the kernel is killed from outside
while a cell runs. The quarterly runs use two tiny notebooks named like steps so that each run takes a few
seconds.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import sources, write_workspace
from test_quarterly import EVENTS, tiny_notebooks
from test_workspace import time_limit

from journeykit.files import locked
from journeykit.model import Journey, Text
from journeykit.report import quarterly
from journeykit.workspace import Workspace, parse_journey

# --- a save killed at any moment ------------------------------------------------------------------------


def problem_for(journey: Journey) -> Journey:
    """The next version's content depends only on its revision, so any file can be checked against it."""
    text = f"rev {journey.revision + 1}"
    return journey.model_copy(update={"objective": journey.objective.model_copy(update={"problem": Text(en=text)})})


def _saver(folder: str, log: str) -> None:
    """Save forever, alternating update() and save(); log each revision once its save has returned."""
    # a forked child must not finalise what it inherited (engine connections whose threads stayed in the
    # parent): it once crashed in the garbage collector, which would count as one more kill
    gc.freeze()
    ws = Workspace.open(folder)
    while True:
        if ws.journey.revision % 2:
            ws.update(problem_for)
        else:
            ws.save(problem_for(ws.journey))
        with open(log, "a", encoding="utf-8") as stream:
            stream.write(f"{ws.journey.revision}\n")


def leftovers(folder: Path) -> list[Path]:
    return [*folder.glob(".journey.yaml.*"), *(folder / "history").glob(".*")]


def test_saves_killed_at_random_moments_lose_nothing(tmp_path):
    folder, log = tmp_path / "ws", tmp_path / "saved.log"
    Workspace.create(folder, problem_for(Journey(name="Shop")))  # revision 1 says "rev 1"
    log.write_text("1\n", encoding="utf-8")
    context, rng = multiprocessing.get_context("fork"), random.Random(7)
    kills, left_behind = 30, 0
    for _ in range(kills):
        saver = context.Process(target=_saver, args=(str(folder), str(log)))
        saver.start()
        time.sleep(rng.uniform(0.02, 0.15))
        os.kill(saver.pid, signal.SIGKILL)
        saver.join()
        left_behind += bool(leftovers(folder))
        with time_limit(10):  # the killed saver's lock must not block anybody
            ws = Workspace.open(folder)
            acknowledged = int(log.read_text(encoding="utf-8").split()[-1])
            # the file is a version that was saved: the last acknowledged one, or the next if it was written
            # but the saver died before logging it
            assert ws.journey.revision in (acknowledged, acknowledged + 1)
            assert ws.journey.objective.problem.en == f"rev {ws.journey.revision}"
            assert leftovers(folder) == []  # open cleaned what the killed save left
            ws.update(problem_for)
        log.write_text(log.read_text(encoding="utf-8") + f"{ws.journey.revision}\n", encoding="utf-8")
    final = Workspace.open(folder)
    revisions = []
    for path in final.history():  # every earlier version is whole, once, and is what it claims to be
        earlier = parse_journey(path.read_text(encoding="utf-8"))
        assert earlier.objective.problem.en == f"rev {earlier.revision}"
        revisions.append(earlier.revision)
    assert revisions == list(range(revisions[0], final.journey.revision))
    print(f"\n{kills} savers killed with SIGKILL mid-run ({left_behind} left a temporary file, cleaned on "
          f"open), {final.journey.revision} revisions, every one whole and in order")


def _save_big(folder: str, limit: int, result: str) -> None:
    """Save a journey larger than the file size limit of this process (a disk that is full for it)."""
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    try:
        Workspace.open(folder).update(lambda journey: journey.model_copy(
            update={"objective": journey.objective.model_copy(update={"scope": Text(en="x" * 20_000)})}))
    except OSError as error:
        Path(result).write_text(error.strerror or str(error), encoding="utf-8")


def test_a_save_on_a_full_disk_keeps_the_previous_version(tmp_path):
    ws = Workspace.create(tmp_path / "ws", problem_for(Journey(name="Shop")))
    before = ws.file.read_bytes()
    saver = multiprocessing.get_context("fork").Process(
        target=_save_big, args=(str(ws.path), 4_000, str(tmp_path / "result")))  # the 20 KB file cannot fit
    saver.start()
    saver.join()
    assert (tmp_path / "result").read_text(encoding="utf-8") == "File too large"
    assert ws.file.read_bytes() == before and leftovers(ws.path) == []
    reopened = Workspace.open(ws.path)
    assert reopened.journey.revision == 1
    reopened.update(problem_for)  # with room again, the next save works and history holds revision 1 once
    assert [path.name.rsplit("-", 1)[1] for path in reopened.history()] == ["r1.yaml"]


def _hold_lock(lock: str, ready: str) -> None:
    with locked(lock):
        Path(ready).write_text("held", encoding="utf-8")
        time.sleep(600)


def test_a_lock_held_by_a_killed_process_is_free_at_once(tmp_path):
    ws = Workspace.create(tmp_path / "ws", Journey(name="Shop"))
    ready = tmp_path / "ready"
    holder = multiprocessing.get_context("fork").Process(
        target=_hold_lock, args=(str(ws.cache / "save.lock"), str(ready)))
    holder.start()
    while not ready.exists():
        time.sleep(0.01)
    os.kill(holder.pid, signal.SIGKILL)
    holder.join()
    with time_limit(5):
        ws.update(problem_for)
    assert Workspace.open(ws.path).journey.revision == 2


# --- quarterly runs that meet a fault -----------------------------------------------------------------

STEPS = ("01_define_objective", "02_gather_research")
RESEARCH = '''\
import os, pathlib, time
flags = pathlib.Path(workspace) / "flags"
if (flags / "big").exists():
    print("x" * 3_000_000)  # an executed notebook of 3 MB
if (flags / "hang").exists():
    (flags / "kernel.pid").write_text(str(os.getpid()))
    time.sleep(120)
print("research done")
'''


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """A workspace, the two notebooks, and last quarter's report (``reports/2024Q2``)."""
    folder = tmp_path_factory.mktemp("faults")
    workspace = write_workspace(folder / "ws", sources("events: {path: data/events.csv}"),
                                {"data/events.csv": EVENTS, "flags/README": "flags read by the notebooks"})
    tiny_notebooks(folder / "nb", {STEPS[0]: 'print("objective for", quarter)', STEPS[1]: RESEARCH})
    assert quarterly(workspace, quarter="2024Q2", out=folder / "reports" / "2024Q2", steps=STEPS,
                     notebooks=folder / "nb", jobs=1) == 0
    return folder


@pytest.fixture
def site(base, tmp_path) -> Path:
    shutil.copytree(base, tmp_path / "site")
    return tmp_path / "site"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def start(site: Path, out: Path, *, force: bool = False, file_size_limit: int | None = None) -> subprocess.Popen:
    """``quarterly`` for 2024Q3 in its own process (optionally under a file size limit)."""
    script = "import resource, sys\n"
    if file_size_limit:
        script += f"resource.setrlimit(resource.RLIMIT_FSIZE, ({file_size_limit}, {file_size_limit}))\n"
    script += (f"from journeykit.report import quarterly\nsys.exit(quarterly({str(site / 'ws')!r}, "
               f"quarter='2024Q3', out={str(out)!r}, steps={STEPS!r}, notebooks={str(site / 'nb')!r}, jobs=1, "
               f"force={force}))\n")
    return subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def again(site: Path, out: Path, force: bool = False) -> int:
    """The same run once the fault is gone, in this process (no interpreter start to pay)."""
    return quarterly(site / "ws", quarter="2024Q3", out=out, steps=STEPS, notebooks=site / "nb", jobs=1,
                     force=force)


def finish(process: subprocess.Popen) -> tuple[int, str]:
    _, err = process.communicate(timeout=120)
    return process.returncode, err


def visible(folder: Path) -> dict[str, bytes]:
    """The files a reader of the reports sees (hidden folders of runs in progress left out)."""
    return {name: data for name, data in snapshot(folder).items() if not name.startswith(".")}


def hidden(site: Path) -> list[str]:
    return sorted(path.name for path in (site / "reports").iterdir() if path.name.startswith("."))


def test_a_full_disk_publishes_nothing_and_a_rerun_completes(site):
    before = snapshot(site / "reports")
    (site / "ws" / "flags" / "big").touch()
    # 1 MB per file: the 3 MB executed notebook cannot be written (EFBIG, as a full disk gives ENOSPC)
    code, err = finish(start(site, site / "reports" / "2024Q3", file_size_limit=1_000_000))
    assert code == 3, err
    assert "the report could not be written" in err and "File too large" in err
    assert "Free some disk space" in err
    assert snapshot(site / "reports") == before  # last quarter's report intact, no new one, nothing hidden
    assert again(site, site / "reports" / "2024Q3") == 0  # with room, the same command completes
    run = json.loads((site / "reports" / "2024Q3" / "run.json").read_text(encoding="utf-8"))
    assert run["complete"] is True and hidden(site) == []


def _can_mount(point: Path) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    point.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(point)], capture_output=True)
    return done.returncode == 0


def test_a_really_full_disk_replacing_a_report(site):
    disk = site / "disk"
    if not _can_mount(disk):
        pytest.skip("mounting a 1 MB tmpfs needs root; the file size limit test covers the same path")
    try:
        shutil.copytree(site / "reports", disk / "reports")
        out = disk / "reports" / "2024Q3"
        shutil.copytree(disk / "reports" / "2024Q2", out)  # a 2024Q3 report to replace
        before = snapshot(disk / "reports")
        (site / "ws" / "flags" / "big").touch()
        code, err = finish(start(site, out, force=True))
        assert code == 3 and "No space left on device" in err, err
        assert "the existing report there is untouched" in err
        assert snapshot(disk / "reports") == before
        subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True)
        assert again(site, out, force=True) == 0
        assert "research done" in (out / "02_gather_research.html").read_text(encoding="utf-8")
        assert sorted(p.name for p in (disk / "reports").iterdir()) == ["2024Q2", "2024Q3"]
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def wait_for(path: Path, process: subprocess.Popen, seconds: float = 60) -> int:
    """The pid a notebook wrote into ``path`` once its cell is running."""
    deadline = time.monotonic() + seconds
    while not path.exists() or not path.read_text().strip():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the notebook never started"
        time.sleep(0.05)
    return int(path.read_text())


def stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def test_a_kernel_killed_mid_run_marks_the_report_incomplete_and_a_rerun_completes(site):
    before = snapshot(site / "reports" / "2024Q2")
    flags, out = site / "ws" / "flags", site / "reports" / "2024Q3"
    (flags / "hang").touch()
    run = start(site, out)
    stop(wait_for(flags / "kernel.pid", run))  # like the out-of-memory killer, in the middle of a cell
    code, err = finish(run)
    assert code == 1, err
    assert "02_gather_research: failed at cell" in err and "the kernel died while cell" in err
    page = (out / "02_gather_research.html").read_text(encoding="utf-8")
    # the banner on top, and the error on the cell that was running (the page shows no code)
    assert "The step &#x27;Step 2 · Gather the research&#x27; failed at cell" in page
    assert "DeadKernelError: the kernel died while this cell ran (it was killed or ran out of memory)" in page
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["complete"] is False and [s["status"] for s in record["steps"]] == ["ok", "failed"]
    assert snapshot(site / "reports" / "2024Q2") == before
    (flags / "hang").unlink()
    assert again(site, out, force=True) == 0
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["complete"] is True
    assert "research done" in (out / "02_gather_research.html").read_text(encoding="utf-8")
    assert hidden(site) == []


def test_a_killed_quarterly_run_leaves_the_report_intact_and_a_rerun_completes(site):
    flags, out = site / "ws" / "flags", site / "reports" / "2024Q3"
    shutil.copytree(site / "reports" / "2024Q2", out)  # the report that the killed run was replacing
    before = visible(site / "reports")
    (flags / "hang").touch()
    run = start(site, out, force=True)
    kernel = wait_for(flags / "kernel.pid", run)
    os.kill(run.pid, signal.SIGKILL)  # the scheduler's process dies in the middle of the run
    run.communicate(timeout=30)
    stop(kernel)  # its orphaned kernel would stop by itself within seconds; do not wait for it
    assert visible(site / "reports") == before  # both reports exactly as they were
    [stale] = hidden(site)
    assert stale.startswith(".2024Q3.building-")
    (flags / "hang").unlink()
    (flags / "kernel.pid").unlink()
    assert again(site, out, force=True) == 0
    assert hidden(site) == []  # the dead run's folder was removed
    assert '"quarter": "2024Q3"' in (out / "run.json").read_text(encoding="utf-8")
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["complete"] is True
