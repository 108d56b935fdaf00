"""Exceptions and the problem list that every validator fills.

Validation never stops at the first problem: validators append :class:`Problem` values to a list and
raise one error carrying all of them. Every exception derives from :class:`JourneyKitError` and from the
builtin that matches its meaning, so ``except ValueError`` in an analyst's code still works.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows.

    ``where`` names the file (and row, line or column when known); ``what`` says what is wrong, what was
    found and what is allowed; ``fix`` says how to repair it, when that is not obvious from ``what``.

    Examples
    --------
    >>> str(Problem("events.csv, row 14, column 'channel'", "'emial' is not a known channel. Known: app, email."))
    "events.csv, row 14, column 'channel': 'emial' is not a known channel. Known: app, email."
    """

    where: str
    what: str
    fix: str = ""

    def __str__(self) -> str:
        text = f"{self.where}: {self.what}" if self.where else self.what
        return f"{text} {self.fix}" if self.fix else text


def format_problems(problems: list[Problem], header: str) -> str:
    """Render a header line and one bullet per problem."""
    lines = [f"{header} ({len(problems)} problem{'s' if len(problems) != 1 else ''}):"]
    lines += [f"  - {problem}" for problem in problems]
    return "\n".join(lines)


class JourneyKitError(Exception):
    """Base class of every error journeykit raises on purpose."""


class ProblemsError(JourneyKitError, ValueError):
    """Several problems found at once; ``problems`` lists them all, ``str()`` shows them all."""

    header = "Invalid input"

    def __init__(self, problems: list[Problem], header: str | None = None):
        self.problems = list(problems)
        if header is not None:
            self.header = header
        super().__init__(format_problems(self.problems, self.header))


class WorkspaceError(ProblemsError):
    """``journey.yaml`` is missing, unreadable or does not follow the workspace model."""

    header = "The workspace is not valid"


class DataError(ProblemsError):
    """A data source cannot be read as its mapping in ``journey.yaml`` says."""

    header = "The data does not follow the data contract"


class ConflictError(JourneyKitError, RuntimeError):
    """The workspace was saved by someone else since it was loaded, and the two changes cannot both be kept.

    ``conflicts`` lists each field both sides changed (:class:`journeykit.merge.Clash`: its path, the value
    it had, theirs and ours); it is empty when the refusal has another cause (the merged map is invalid).
    """

    def __init__(self, message: str, conflicts: list | tuple = ()):
        self.conflicts = list(conflicts)
        super().__init__(message)


class LockTimeoutError(JourneyKitError, TimeoutError):
    """Another process held a lock for longer than the caller was willing to wait."""


class WorkspaceNotFoundError(JourneyKitError, FileNotFoundError):
    """There is no ``journey.yaml`` where a workspace was expected."""


class ParameterError(JourneyKitError, ValueError):
    """A function was called with a parameter outside its allowed values.

    Examples
    --------
    >>> str(ParameterError.invalid("n_personas", "build_personas", "an int in [2, 12]", 1))
    "The 'n_personas' parameter of build_personas must be an int in [2, 12]. Got 1 instead."
    """

    @classmethod
    def invalid(cls, name: str, function: str, allowed: str, got: object) -> "ParameterError":
        return cls(f"The {name!r} parameter of {function} must be {allowed}. Got {got!r} instead.")
