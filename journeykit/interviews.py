"""Interview transcripts: a folder of Markdown or text files with customers' own words.

A transcript may start with YAML front matter (``customer_id``, ``date``, ``language``, ``persona``,
``interviewer``). Sections titled ``## <stage>`` (a stage id or name, in English or French) attribute the
quotes below them to that stage. A quote is a blockquote (lines starting with ``>``, joined until a blank
line) or, in plain text files, a paragraph between quotation marks (``"…"``, ``“…”`` or ``« … »``).

Examples
--------
>>> text = "---\\nlanguage: fr\\n---\\n## purchase\\nQuestion ?\\n> Le paiement a échoué deux fois.\\n"
>>> [(q.stage, q.text) for q in parse_transcript(text, "i1.md").quotes]
[('purchase', 'Le paiement a échoué deux fois.')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import Problem
from .model import Source
from .workspace import Workspace

SUFFIXES = (".md", ".markdown", ".txt")
_QUOTED = re.compile(r"^\s*(?:[\"“«])\s*(.+?)\s*(?:[\"”»])\s*$", re.S)


@dataclass
class Quote:
    text: str
    stage: str | None
    file: str
    line: int


@dataclass
class Transcript:
    file: str
    meta: dict = field(default_factory=dict)
    quotes: list[Quote] = field(default_factory=list)

    @property
    def language(self) -> str | None:
        value = self.meta.get("language")
        return str(value) if value else None


def parse_transcript(text: str, name: str) -> Transcript:
    """Split one transcript into its front matter and its quotes (with the stage heading above each)."""
    meta: dict = {}
    lines = text.splitlines()
    start = 0
    if lines and lines[0].strip() == "---":
        for index in range(1, len(lines)):
            if lines[index].strip() == "---":
                from .workspace import _located  # bounded: no alias bomb, no deep nesting

                loaded = _located("\n".join(lines[1:index]), name)[0] or {}
                meta = loaded if isinstance(loaded, dict) else {}
                start = index + 1
                break
    transcript = Transcript(name, meta)
    stage: str | None = None
    block: list[str] = []
    block_line = 0

    def flush() -> None:
        nonlocal block
        if block:
            joined = " ".join(part.strip() for part in block).strip()
            match = _QUOTED.match(joined)
            if joined:
                transcript.quotes.append(Quote(match.group(1) if match else joined, stage, name, block_line))
        block = []

    plain = name.endswith(".txt")
    for number, line in enumerate(lines[start:], start=start + 1):
        heading = re.match(r"^#{1,6}\s+(.*\S)\s*$", line)
        if heading:
            flush()
            stage = heading.group(1).strip()
        elif line.lstrip().startswith(">"):
            if not block:
                block_line = number
            block.append(line.lstrip()[1:])
        elif plain and _QUOTED.match(line) and not block:
            block_line = number
            block.append(line)
            flush()
        else:
            flush()
    flush()
    return transcript


def read_interviews(ws: Workspace, source: Source) -> tuple[list[Transcript], list[Problem]]:
    """Every transcript of the interviews folder, with stage headings matched to the map's stage ids."""
    problems: list[Problem] = []
    transcripts: list[Transcript] = []
    labels = {}
    for item in ws.journey.stages:
        for label in (item.id, item.name.en, item.name.fr):
            if label:
                labels[label.strip().lower()] = item.id
    for relative in source.paths:
        if Path(relative).is_absolute() or ".." in Path(relative).parts:
            problems.append(Problem(f"{ws.file}, sources.interviews.path",
                                    f"{relative!r} points outside the workspace folder"))
            continue
        folder = ws.path / relative
        if folder.exists() and not folder.resolve().is_relative_to(ws.path.resolve()):
            problems.append(Problem(f"{ws.file}, sources.interviews.path", f"{relative!r} is a link to "
                                    f"{folder.resolve()}, outside the workspace folder",
                                    "Copy the transcripts into the workspace instead of linking them."))
            continue
        if not folder.is_dir():
            problems.append(Problem(f"{ws.file}, sources.interviews.path", f"{relative!r} is not a folder in "
                                    f"{ws.path}", "Create it and drop one Markdown or text file per interview."))
            continue
        for file in sorted(folder.iterdir()):
            if file.suffix.lower() not in SUFFIXES or not file.is_file():
                continue
            if not file.resolve().is_relative_to(ws.path.resolve()):
                problems.append(Problem(str(file), f"is a link to {file.resolve()}, outside the workspace folder",
                                        "Copy the transcript into the workspace instead of linking it."))
                continue
            try:
                text = file.read_bytes().decode("utf-8-sig")
            except UnicodeDecodeError:
                text = file.read_bytes().decode("cp1252", errors="replace")
            try:
                transcript = parse_transcript(text, str(file.relative_to(ws.path)))
            except (yaml.YAMLError, RecursionError) as error:
                reason = "it is nested too deeply" if isinstance(error, RecursionError) else error
                problems.append(Problem(str(file), f"has front matter that is not valid YAML: {reason}"))
                continue
            for quote in transcript.quotes:
                if quote.stage is not None:
                    quote.stage = labels.get(quote.stage.lower(), quote.stage)
            transcripts.append(transcript)
    return transcripts, problems
