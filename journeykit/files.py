"""Writing files so that a crash, a kill or a full disk leaves the old content or the new one, never half.

Everything journeykit writes into a workspace or a report goes through here: the new content goes to a
temporary file in the same folder, is flushed to disk, then replaces the target in one rename (atomic on
POSIX and Windows). The rewritten file keeps the permissions of the one it replaces.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]


@contextmanager
def locked(lock_file: str | os.PathLike[str], timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_file`` (created if needed) while the block runs.

    Processes that save the same workspace, or stage its data, wait for each other instead of
    interleaving. The lock is the operating system's (``flock``): it belongs to the open file, so a process
    that dies or is killed releases it at once and nobody waits for a dead holder. ``timeout`` bounds the
    wait for a live holder (``None`` waits as long as it takes); when it expires,
    :class:`~journeykit.errors.LockTimeoutError` names the process holding the lock. Where ``fcntl`` is
    missing (Windows) writes stay atomic but are not serialised.
    """
    path = Path(lock_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        if fcntl is not None:
            _acquire(handle, path, timeout)
            handle.truncate(0)  # who holds it, for the message of a caller who waits too long
            handle.write(f"{os.getpid()}\n".encode())
            handle.flush()
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _acquire(handle, path: Path, timeout: float | None) -> None:
    if timeout is None:
        fcntl.flock(handle, fcntl.LOCK_EX)
        return
    deadline, pause = time.monotonic() + timeout, 0.001
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                from .errors import LockTimeoutError

                holder = path.read_text(errors="replace").strip() or "unknown"
                raise LockTimeoutError(
                    f"{path} is held by another process (pid {holder}) for more than {timeout:g} s. If that "
                    "process is stuck, stop it; a lock is released as soon as its holder ends, even when "
                    "it is killed.") from None
            time.sleep(pause)
            pause = min(pause * 2, 0.05)


def remove_leftovers(folder: str | os.PathLike[str], name: str) -> list[Path]:
    """Remove the temporary files that writes of ``folder/name`` left behind when they were killed.

    ``name`` may be a glob pattern (``journey-*.yaml``). Call it only while holding the lock that
    serialises those writes (a live writer's file would go). Returns the removed paths.
    """
    removed = []
    for leftover in Path(folder).glob(f".{name}.*.part"):
        leftover.unlink(missing_ok=True)
        removed.append(leftover)
    return removed


def mode_of(target: Path) -> int:
    """The permissions a rewritten file keeps: the old file's, or rw-r--r-- for a new one."""
    return target.stat().st_mode & 0o777 if target.exists() else 0o644


@contextmanager
def replacing(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``target`` to write to; it replaces ``target`` only if the block succeeds.

    Examples
    --------
    >>> folder = Path(tempfile.mkdtemp())
    >>> with replacing(folder / "a.txt") as temporary:
    ...     _ = temporary.write_text("new")
    >>> (folder / "a.txt").read_text(), sorted(p.name for p in folder.iterdir())
    ('new', ['a.txt'])
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with open(temporary, "rb+") as stream:
            os.fsync(stream.fileno())
        os.chmod(temporary, mode_of(target))  # mkstemp makes files private
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    sync_folder(target.parent)


def write_atomic(target: str | os.PathLike[str], data: bytes | str) -> None:
    """Write ``data`` (text is written as UTF-8 with ``\\n`` line ends) to ``target`` atomically."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with replacing(target) as temporary:
        temporary.write_bytes(payload)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename into it) to disk, where the system allows it."""
    if hasattr(os, "O_DIRECTORY"):
        handle = os.open(folder, os.O_DIRECTORY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
