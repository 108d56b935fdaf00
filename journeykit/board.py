"""The facilitator's board: section locks, the activity timer and dot voting, shared by every screen.

In a workshop each browser tab runs its own kernel, so what the facilitator decides (a locked section, a
running timer, an open vote) lives in files of the workspace, written atomically under a lock, and every
screen reads it again when it draws or saves:

- ``workshop/board.json``: locked sections, the timer (activity, start, length), the open ballot (what is
  voted on, votes per participant, anonymous or not) and a hash of the facilitator code;
- ``workshop/votes.json``: the ballot's votes, one list of item ids per participant. In an anonymous
  ballot a participant is stored as a keyed hash of their name or code (the key of
  :func:`journeykit.privacy.key_for`), never by name; the hash still lets the board count each person's
  votes. Opening a new ballot moves the old votes to ``workshop/ballots/``.

Map changes go through :func:`apply`, which refuses a locked section and saves with
:meth:`journeykit.workspace.Workspace.update` (atomic, with history). Dot votes are written into the map
too (``votes`` of each pain point or opportunity), so the report and the next quarter see them.

Examples
--------
>>> import tempfile
>>> from journeykit.model import Journey
>>> from journeykit.workspace import Workspace
>>> folder = tempfile.mkdtemp()
>>> _ = Workspace.create(folder, Journey(name="Demo"))
>>> board = Board(folder)
>>> board.lock("personas").locked("personas")
True
>>> board.unlock("personas").locked("personas")
False
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from . import edits
from .edits import EditError
from .files import locked, write_atomic
from .privacy import key_for, pseudonym
from .model import Journey
from .workspace import CACHE_DIR, Workspace

FOLDER = "workshop"
SECTIONS = ("objective", "personas", "stages", "touchpoints", "emotions", "pain_points", "opportunities", "kpis")
BALLOT_KINDS = ("pain_points", "opportunities")
MAX_VOTES_EACH = 20


@dataclass(frozen=True)
class Timer:
    """A countdown for one workshop activity."""

    activity: str
    started: str  # ISO 8601, UTC
    seconds: int

    def remaining(self, now: datetime | None = None) -> int:
        """Seconds left (0 once the time is up)."""
        now = now or datetime.now(timezone.utc)
        end = datetime.fromisoformat(self.started) + timedelta(seconds=self.seconds)
        return max(0, int((end - now).total_seconds() + 0.999))


@dataclass(frozen=True)
class Ballot:
    """A dot vote on the map's pain points or opportunities."""

    kind: str
    votes_each: int
    anonymous: bool
    opened: str
    open: bool = True


@dataclass(frozen=True)
class BoardState:
    locks: tuple[str, ...] = ()
    timer: Timer | None = None
    ballot: Ballot | None = None
    facilitator: str = ""  # sha256 of the facilitator code

    @classmethod
    def from_json(cls, data: dict) -> "BoardState":
        return cls(locks=tuple(data.get("locks", ())),
                   timer=Timer(**data["timer"]) if data.get("timer") else None,
                   ballot=Ballot(**data["ballot"]) if data.get("ballot") else None,
                   facilitator=data.get("facilitator", ""))


@dataclass(frozen=True)
class Votes:
    """The votes of one ballot: ``by`` maps a participant (name or keyed hash) to the item ids they chose."""

    kind: str = ""
    opened: str = ""
    by: dict[str, list[str]] = field(default_factory=dict)

    def tally(self) -> dict[str, int]:
        """Votes per item id, most voted first.

        >>> Votes("opportunities", "", {"a": ["x", "y"], "b": ["x"]}).tally()
        {'x': 2, 'y': 1}
        """
        counts: dict[str, int] = {}
        for chosen in self.by.values():
            for item in chosen:
                counts[item] = counts.get(item, 0) + 1
        return dict(sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])))


class BoardError(EditError):
    """A workshop action the board refuses (locked section, closed ballot, no votes left)."""


class Board:
    """The board of the workspace at ``path`` (see the module's docstring)."""

    def __init__(self, path: str | Path):
        self.path = Path(path).resolve()
        self.folder = self.path / FOLDER

    # --- reading and writing ----------------------------------------------------------------------------

    def state(self) -> BoardState:
        file = self.folder / "board.json"
        return BoardState.from_json(json.loads(file.read_text("utf-8"))) if file.exists() else BoardState()

    def votes(self) -> Votes:
        file = self.folder / "votes.json"
        return Votes(**json.loads(file.read_text("utf-8"))) if file.exists() else Votes()

    def _lock(self):
        (self.path / CACHE_DIR).mkdir(exist_ok=True)
        return locked(self.path / CACHE_DIR / "board.lock")

    def _write(self, name: str, data: dict) -> None:
        self.folder.mkdir(exist_ok=True)
        write_atomic(self.folder / name, json.dumps(data, ensure_ascii=False, indent=1) + "\n")

    def _change(self, change: Callable[[BoardState], BoardState]) -> "Board":
        with self._lock():
            self._write("board.json", asdict(change(self.state())))
        return self

    # --- locks --------------------------------------------------------------------------------------------

    def locked(self, section: str) -> bool:
        return section in self.state().locks

    def lock(self, section: str) -> "Board":
        """Lock ``section``: participants' changes to it are refused until :meth:`unlock`."""
        _check_section(section)
        return self._change(lambda s: replace(s, locks=tuple(sorted(set(s.locks) | {section}))))

    def unlock(self, section: str) -> "Board":
        _check_section(section)
        return self._change(lambda s: replace(s, locks=tuple(x for x in s.locks if x != section)))

    # --- timer --------------------------------------------------------------------------------------------

    def start_timer(self, activity: str, minutes: float) -> "Board":
        """Start (or restart) the countdown every screen shows."""
        if not 0 < minutes <= 24 * 60:
            raise ValueError(f"minutes must be more than 0 and at most 1440. Got {minutes!r} instead.")
        timer = Timer(activity.strip(), datetime.now(timezone.utc).isoformat(), int(round(minutes * 60)))
        return self._change(lambda s: replace(s, timer=timer))

    def stop_timer(self) -> "Board":
        return self._change(lambda s: replace(s, timer=None))

    # --- facilitator code ---------------------------------------------------------------------------------

    def new_facilitator_code(self) -> str:
        """A fresh code that gives the facilitator controls (only its hash is stored)."""
        code = secrets.token_urlsafe(9)
        self._change(lambda s: replace(s, facilitator=_hash(code)))
        return code

    def is_facilitator(self, code: str | None) -> bool:
        expected = self.state().facilitator
        return bool(code and expected) and hmac.compare_digest(_hash(code), expected)

    # --- dot voting ---------------------------------------------------------------------------------------

    def open_ballot(self, kind: str, votes_each: int = 3, anonymous: bool = True) -> "Board":
        """Start a vote on ``kind``; earlier votes are archived and the map's counts start from zero."""
        if kind not in BALLOT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(BALLOT_KINDS)}. Got {kind!r} instead.")
        if not 1 <= votes_each <= MAX_VOTES_EACH:
            raise ValueError(f"votes_each must be between 1 and {MAX_VOTES_EACH}. Got {votes_each!r} instead.")
        opened = datetime.now(timezone.utc).isoformat()
        with self._lock():
            old = self.votes()
            if old.by:
                stamp = old.opened.replace(":", "").replace("+", "_")
                archive = self.folder / "ballots"
                archive.mkdir(parents=True, exist_ok=True)
                write_atomic(archive / f"{stamp}-{old.kind}.json", json.dumps(asdict(old), ensure_ascii=False))
            self._write("votes.json", asdict(Votes(kind, opened)))
            state = replace(self.state(), ballot=Ballot(kind, votes_each, anonymous, opened))
            self._write("board.json", asdict(state))
            apply(self.path, kind, edits.set_votes(kind, {}), check_lock=False)
        return self

    def close_ballot(self) -> "Board":
        return self._change(lambda s: replace(s, ballot=replace(s.ballot, open=False) if s.ballot else None))

    def voter(self, participant: str) -> str:
        """How ``participant`` is stored: their name, or a keyed hash of it in an anonymous ballot."""
        name = " ".join(participant.split())
        if not name:
            raise BoardError("Type your name or your code first.", "Saisissez d'abord votre nom ou votre code.")
        ballot = self.state().ballot
        return pseudonym(name.casefold(), key_for(self.path)) if ballot is None or ballot.anonymous else name

    def vote(self, participant: str, item: str, add: bool = True) -> int:
        """Give (``add``) or take back one of ``participant``'s dots on ``item``; return their votes left.

        The map's vote counts are updated at once.
        """
        who = self.voter(participant)
        with self._lock():
            ballot = self.state().ballot
            if ballot is None or not ballot.open:
                raise BoardError("Voting is closed.", "Le vote est fermé.")
            votes = self.votes()
            mine = list(votes.by.get(who, []))
            if add and len(mine) >= ballot.votes_each:
                raise BoardError(f"You have used your {ballot.votes_each} votes; take one back to move it.",
                                 f"Vous avez utilisé vos {ballot.votes_each} votes ; retirez-en un pour le déplacer.")
            if add:
                mine.append(item)
            elif item in mine:
                mine.remove(item)
            by = {**votes.by, who: mine}
            new = replace(votes, by={k: v for k, v in by.items() if v})

            def counted(journey: Journey) -> Journey:
                if add and item not in {i.id for i in getattr(journey, ballot.kind)}:
                    raise BoardError(f"{item!r} is no longer on the map; reload the page.",
                                     f"« {item} » n'est plus sur la carte ; rechargez la page.")
                return edits.set_votes(ballot.kind, new.tally())(journey)

            # the map first (a refused save leaves the votes as they were), under the board's lock so that a
            # slower screen never overwrites a newer tally
            apply(self.path, ballot.kind, counted, check_lock=False)
            self._write("votes.json", asdict(new))
        return ballot.votes_each - len(mine)

    def votes_left(self, participant: str) -> int | None:
        """How many dots ``participant`` may still place (``None`` when no ballot is open)."""
        ballot = self.state().ballot
        if ballot is None or not ballot.open or not participant.strip():
            return None
        return ballot.votes_each - len(self.votes().by.get(self.voter(participant), []))


def apply(path: str | Path, section: str, change: edits.Change, check_lock: bool = True,
          seen: Journey | None = None) -> Workspace:
    """Save ``change`` into the workspace at ``path`` unless the facilitator locked ``section``.

    The change is applied to the newest version on disk (:meth:`Workspace.update`), so two screens editing
    different things both keep their change; the previous version goes to ``history/``. ``seen`` is the
    map the screen was drawn from: a field somebody else changed since then keeps their value when the
    form only wrote it back, and is refused (:class:`journeykit.errors.ConflictError`) when both changed it.
    """
    _check_section(section)
    workspace = Workspace.open(path)
    if check_lock and Board(workspace.path).locked(section):
        raise BoardError("The facilitator has locked this section; ask them to unlock it to change it.",
                         "L'animateur a verrouillé cette section ; demandez-lui de la déverrouiller pour la "
                         "modifier.")
    return workspace.update(change, seen=seen)


def versions(path: str | Path) -> list[tuple[str, Path]]:
    """The earlier versions of the map, newest first, as (label, file): ``revision 12, 14:03:05 UTC``."""
    found = []
    for file in reversed(Workspace.open(path).history()):
        stamp, _, revision = file.stem.removeprefix("journey-").partition("-r")
        try:
            when = datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").strftime("%Y-%m-%d %H:%M:%S UTC")
        except ValueError:
            when = stamp
        found.append((f"r{revision} · {when}", file))
    return found


def undo(path: str | Path, version: Path | None = None) -> Workspace:
    """Make an earlier version (default: the one before the current) the newest; nothing is deleted."""
    workspace = Workspace.open(path)
    history = workspace.history()
    if not history:
        raise BoardError("There is no earlier version to go back to.",
                         "Il n'y a pas de version antérieure à restaurer.")
    return workspace.restore(version if version is not None else history[-1])


def _check_section(section: str) -> None:
    if section not in SECTIONS:
        raise ValueError(f"section must be one of {', '.join(SECTIONS)}. Got {section!r} instead.")


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()
