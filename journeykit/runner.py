"""Run the ten step notebooks with papermill, in parallel where their order allows.

Each step waits only for the steps whose results it reads (:data:`NEEDS`); up to ``jobs`` notebooks run at
once. Each worker starts one kernel in the notebooks' folder and runs its notebooks one after the other in
it, clearing every variable (``%reset -f``) before each one: a notebook never sees another's values, but
the imports (pandas, Ibis, Altair: about 3 s a kernel) and the kernel start are paid once per worker, not
once per notebook. A kernel that died or no longer answers is replaced before the next notebook. A failing cell (papermill's
``PapermillExecutionError``) or a cell running past ``timeout`` (nbclient's ``CellTimeoutError``) fails that
step only: the others still run, and the executed notebook is kept with the error so its page can show
which cell failed and why.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .measures import STEPS

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
log = logging.getLogger("journeykit.quarterly")

# What each step reads from earlier steps of the same quarter.
NEEDS: dict[str, tuple[str, ...]] = {
    "01_define_objective": (),
    "02_gather_research": (),
    "03_build_personas": (),
    "04_map_stages": ("03_build_personas",),
    "05_inventory_touchpoints": (),
    "06_capture_experience": ("03_build_personas",),
    "07_find_pain_points": ("03_build_personas",),
    "08_align_business": (),
    "09_visualize_map": ("04_map_stages", "06_capture_experience", "07_find_pain_points", "08_align_business"),
    "10_validate_and_refine": ("05_inventory_touchpoints", "07_find_pain_points", "09_visualize_map"),
}


@dataclass
class StepRun:
    """How one notebook ran: ``status`` is ``ok``, ``failed`` or ``timeout``."""

    step: str
    status: str
    seconds: float
    notebook: Path
    error: str = ""
    cell: int | None = None  # execution count ("In [N]") of the failing cell, when known
    waited_for: list[str] = field(default_factory=list)


class _Kernels:
    """One warm kernel per worker thread, reset between notebooks, replaced when it died."""

    def __init__(self, cwd: Path):
        self.cwd = cwd
        self.managers: dict[int, object] = {}
        self.lock = threading.Lock()
        self.starting = threading.Lock()

    def get(self):
        key = threading.get_ident()
        manager = self.managers.get(key)
        if manager is not None and not self._reset(manager):
            self._stop(manager)
            manager = None
        if manager is None:
            manager = self._start()
            with self.lock:
                self.managers[key] = manager
        return manager

    def _start(self, attempts: int = 3):
        """A kernel that answers, started one at a time and retried.

        A kernel picks its TCP ports by binding free ones and releasing them before it binds them for good;
        two kernels starting at the same moment can pick the same port, and the second dies with "Address
        already in use" (seen in the test suite). Starts are serialised here, and a kernel that does not
        answer is replaced, so that a step never fails for that.
        """
        from jupyter_client.manager import AsyncKernelManager
        from nbclient.util import run_sync

        with self.starting:
            for _ in range(attempts):
                manager = AsyncKernelManager(kernel_name="python3")
                try:
                    run_sync(manager.start_kernel)(cwd=str(self.cwd))
                    if self._answers(manager):
                        return manager
                except Exception:  # noqa: BLE001 - a failed start is retried with a fresh kernel
                    pass
                self._stop(manager)
        raise RuntimeError(f"no Python kernel could be started ({attempts} attempts): check that ipykernel is "
                           "installed in the environment and that the machine has free memory")

    @staticmethod
    def _answers(manager, timeout: float = 60) -> bool:
        from nbclient.util import run_sync

        client = manager.client()
        client.start_channels()
        try:
            run_sync(client.wait_for_ready)(timeout=timeout)
            return bool(run_sync(manager.is_alive)())
        except Exception:  # noqa: BLE001 - dead or silent: not usable
            return False
        finally:
            client.stop_channels()

    @staticmethod
    def _reset(manager) -> bool:
        """Clear the user's variables; ``False`` when the kernel is dead or does not answer."""
        from nbclient.util import run_sync

        try:
            if not run_sync(manager.is_alive)():
                return False
            client = manager.client()
            client.start_channels()
            try:
                run_sync(client.wait_for_ready)(timeout=30)
                reply = run_sync(client.execute_interactive)("get_ipython().run_line_magic('reset', '-f')",
                                                            silent=True, store_history=False, timeout=30)
                return reply["content"]["status"] == "ok"
            finally:
                client.stop_channels()
        except Exception:  # noqa: BLE001 - any failure means: start a fresh kernel
            return False

    @staticmethod
    def _stop(manager) -> None:
        from nbclient.util import run_sync

        try:
            run_sync(manager.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - already gone
            pass

    def close(self) -> None:
        for manager in self.managers.values():
            self._stop(manager)
        self.managers.clear()


def _pin_papermill_cwd() -> None:
    """Stop papermill from changing the process's working directory while threads read and write notebooks.

    Each ``execute_notebook`` sets one process-wide "current folder" on papermill's local file handler and
    restores the previous one when it ends, and every read or write does ``chdir`` there and back. Two
    threads interleaving those steps can leave the handler on a stale folder and the process in the wrong
    directory (seen: a report written relative to the repository instead of the caller's folder). The
    runner passes absolute paths only, so the handler needs no folder: its ``cwd`` setter becomes a no-op.
    """
    from papermill.iorw import papermill_io

    handler = papermill_io.get_handler("local")
    handler.cwd = lambda new_path: None  # papermill's local_file_io_cwd() then never sets a folder
    handler._cwd = None


def run_steps(parameters: dict, folder: Path, *, jobs: int = 2, timeout: int = 600,
              steps: tuple[str, ...] = STEPS, notebooks: Path = NOTEBOOKS, progress: bool | None = None
              ) -> list[StepRun]:
    """Execute ``steps`` into ``folder`` (one ``<step>.ipynb`` each) and return how each one ran, in step order."""
    _pin_papermill_cwd()
    progress = sys.stderr.isatty() if progress is None else progress
    runs: dict[str, StepRun] = {}
    pending = list(steps)
    running: dict[Future, str] = {}
    kernels = _Kernels(notebooks.resolve())
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="step") as pool:
            while pending or running:
                ready = [step for step in pending if all(need in runs or need not in steps for need in NEEDS[step])]
                while ready and len(running) < max(1, jobs):
                    step = ready.pop(0)
                    pending.remove(step)
                    log.info("start %s", step)
                    future = pool.submit(_run_one, step, parameters, folder, timeout, notebooks, progress, kernels)
                    running[future] = step
                done, _ = wait(list(running), return_when=FIRST_COMPLETED)
                for future in done:
                    step = running.pop(future)
                    runs[step] = future.result()
                    run = runs[step]
                    log.info("%s %s in %.1f s%s", "done" if run.status == "ok" else run.status.upper(), step,
                             run.seconds, f": {run.error.splitlines()[0]}" if run.error else "")
    finally:  # also on Ctrl-C or a full disk: no kernel outlives the run
        kernels.close()
    return [runs[step] for step in steps]


def _run_one(step: str, parameters: dict, folder: Path, timeout: int, notebooks: Path, progress: bool,
             kernels: _Kernels) -> StepRun:
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    source, output = (notebooks / f"{step}.ipynb").resolve(), (folder / f"{step}.ipynb").resolve()
    started = time.perf_counter()
    try:
        # papermill's cwd= changes the directory of the whole process, which threads would race on: the
        # worker's kernel was started in the notebooks' folder instead
        pm.execute_notebook(str(source), str(output), parameters=parameters, kernel_name="python3",
                            execution_timeout=timeout, progress_bar=progress and {"desc": step, "leave": False},
                            log_output=False, km=kernels.get())
    except pm.PapermillExecutionError as error:
        return StepRun(step, "failed", time.perf_counter() - started, output,
                       f"{error.ename}: {error.evalue}", error.exec_count)
    except CellTimeoutError as error:
        cell = _mark_stopped(output, "CellTimeoutError", f"this cell ran longer than {timeout} s and was stopped")
        return StepRun(step, "timeout", time.perf_counter() - started, output,
                       f"a cell ran longer than {timeout} s ({str(error).splitlines()[0]})", cell)
    except DeadKernelError:
        cell = _mark_stopped(output, "DeadKernelError", "the kernel died while this cell ran (it was killed or "
                             "ran out of memory); the results below stop here")
        where = f"while cell {cell} ran" if cell is not None else "before the notebook ran"
        return StepRun(step, "failed", time.perf_counter() - started, output,
                       f"DeadKernelError: the kernel died {where} (it was killed or ran out of memory); run the "
                       "report again", cell)
    except (RuntimeError, OSError, ValueError) as error:
        return StepRun(step, "failed", time.perf_counter() - started, output, f"{type(error).__name__}: {error}")
    return StepRun(step, "ok", time.perf_counter() - started, output)


def _mark_stopped(output: Path, name: str, message: str) -> int | None:
    """Papermill writes no error banner on a timeout or a dead kernel: say so on the cell that was stopped.

    The stopped cell is the last one that started; its execution count is returned. A notebook that cannot
    be read (the kernel died while it was first written) is left as it is.
    """
    try:
        notebook = nbformat.read(output, as_version=4)
    except (OSError, ValueError):
        return None
    started = [cell for cell in notebook.cells
               if cell.cell_type == "code" and cell.get("metadata", {}).get("papermill", {}).get("start_time")]
    if not started:
        return None
    cell = started[-1]
    cell.outputs.append(nbformat.v4.new_output("error", ename=name, evalue=message,
                                               traceback=[f"{name}: {message}"]))
    cell.metadata.setdefault("papermill", {})["exception"] = True
    nbformat.write(notebook, output)
    return cell.get("execution_count")
