"""The broken-input corpus (``tests/broken_inputs/``, described in its README): every case gives the documented
error (``journeykit check`` exits 2 and names the problem) or finding (exit 0, the finding listed), never a
traceback, never a hang, never a partial write: the workspace's files are unchanged and the table that
failed is not staged.
"""

from __future__ import annotations

import hashlib
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import sources, write_workspace

from journeykit import cli

CORPUS = Path(__file__).parent / "broken_inputs"


def events(path: str, options: str = "") -> str:
    return sources(f"events:\n  path: {path}\n" + (f"  options: {options}\n" if options else ""))


# id: (journey.yaml, {workspace file: corpus file}, exit code, what the output says, table that must not be staged)
CASES = {
    "empty file": (events("data/events.csv"), {"data/events.csv": "empty.csv"}, 2,
                   ["events.csv: is empty; it needs a header row and data rows"], "events"),
    "header only": (events("data/events.csv"), {"data/events.csv": "header_only.csv"}, 0,
                    ["events: data/events.csv: a header but no data rows"], None),
    "binary garbage": (events("data/events.csv"), {"data/events.csv": "binary_garbage.csv"}, 2,
                       ["events.csv: is not a text file (it contains binary data)"], "events"),
    "wrong delimiter": (events("data/events.csv", "{delimiter: ','}"), {"data/events.csv": "wrong_delimiter.csv"}, 2,
                        ["has a single column 'customer_id;timestamp;touchpoint;channel': the delimiter was not found",
                         "Set options.delimiter"], "events"),
    "mixed encodings": (events("data/events.csv"), {"data/events.csv": "mixed_encodings.csv"}, 2,
                        ["events.csv, line 4: is UTF-8 text ('Hélène,2026-07-03 10:00,home_view,web') in a file read "
                         "as cp1252: the file mixes two encodings"], "events"),
    "dates in the future or before 1990": (events("data/events.csv"), {"data/events.csv": "implausible_dates.csv"}, 0,
                                           ["events: timestamp before 1990 or in the future: 2 values"], None),
    "NPS of 11 and -1": (sources("survey:\n  path: data/survey.csv\n"), {"data/survey.csv": "nps_out_of_range.csv"},
                         0, ["survey: nps outside 0-10: 2 values (-1, 11); counted in no metric"], None),
    "duplicated customer ids": (sources("customers:\n  path: data/crm.csv\n"), {"data/crm.csv": "duplicated_ids.csv"},
                                0, ["customers: repeated customer ids: 1 row; the first row of each customer is used"],
                                None),
    "quote never closed": (events("data/events.csv"), {"data/events.csv": "unclosed_quote.csv"}, 2,
                           ["events.csv, line 2: opens a quote (\") that is never closed"], "events"),
    "truncated gzip": (events("data/events.csv.gz"), {"data/events.csv.gz": "truncated.csv.gz"}, 2,
                       ["events.csv.gz: is a damaged or truncated gzip file (Compressed file ended before the "
                        "end-of-stream marker was reached)"], "events"),
    "text renamed .xlsx": (events("data/events.xlsx"), {"data/events.xlsx": "not_a_workbook.xlsx"}, 2,
                           ["events.xlsx: cannot be read as excel: File is not a zip file"], "events"),
    "deeply nested JSON": (events("data/events.jsonl"), {"data/events.jsonl": "deep_nesting.jsonl"}, 2,
                           ["events.jsonl: cannot be read as json: Invalid Input Error: JSON exceeds maximum "
                            "recursion depth"], "events"),
    "a codec that is not a text encoding": (events("data/events.csv", "{encoding: rot13}"),
                                            {"data/events.csv": "implausible_dates.csv"}, 2,
                                            ["options.encoding 'rot13' is not a text encoding Python knows"], "events"),
    "a date format the engine refuses": (events("data/events.csv", "{date_format: '%Q'}"),
                                         {"data/events.csv": "implausible_dates.csv"}, 2,
                                         ["sources.events.options.date_format: '%Q' is not a date format: "
                                          "Unrecognized format for strftime/strptime: %Q"], "events"),
    "a pattern only Python understands": (sources("survey:\n  path: data/survey.csv\n"
                                                  "  patterns: {nps: '(?<=score )([0-9]+)'}\n"),
                                          {"data/survey.csv": "nps_out_of_range.csv"}, 2,
                                          ["sources.survey.patterns.nps: '(?<=score )([0-9]+)' is not a pattern the "
                                           "engine can run: invalid perl operator: (?<"], "survey"),
    "path ../../etc/passwd": (events("../../etc/passwd"), {}, 2, ["'../../etc/passwd' points outside the workspace"],
                              "events"),
    "absolute path /etc/passwd": (events("/etc/passwd"), {}, 2, ["'/etc/passwd' points outside the workspace"],
                                  "events"),
}


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of the workspace but its cache, with a hash of its bytes (links are not followed)."""
    found = {}
    for root, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if name != ".journeykit"]
        for name in files:
            path = Path(root) / name
            found[str(path.relative_to(folder))] = "link" if path.is_symlink() else \
                hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def assert_nothing_half_written(folder: Path, before: dict[str, str], failed_table: str | None) -> None:
    assert snapshot(folder) == before
    leftovers = [p for p in folder.rglob("*") if p.name.endswith(".part")]
    assert leftovers == []
    if failed_table:
        assert not (folder / ".journeykit" / "tables" / f"{failed_table}.parquet").exists()
        assert not (folder / ".journeykit" / "tables" / "dataset.json").exists()


def run_check(folder: Path, capsys) -> tuple[int, str]:
    code = cli.main(["check", str(folder)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("case", CASES)
def test_corpus_case(case, tmp_path, capsys):
    journey, files, code, expected, failed_table = CASES[case]
    folder = write_workspace(tmp_path / "ws", journey, {name: (CORPUS / corpus).read_bytes()
                                                        for name, corpus in files.items()})
    before = snapshot(folder)
    got, output = run_check(folder, capsys)
    assert got == code, output
    for text in expected:
        assert text in output
    assert "Traceback" not in output
    assert_nothing_half_written(folder, before, failed_table)


def test_a_5_mb_line_names_its_line(tmp_path, capsys):
    folder = write_workspace(tmp_path / "ws", events("data/events.csv"), {"data/events.csv": (
        "customer_id,timestamp,touchpoint,channel\nc1,2026-07-01 10:00,home_view,web\n"
        "c2,2026-07-01 10:00,home_view," + "w" * 5_000_000 + "\n")})
    before = snapshot(folder)
    code, output = run_check(folder, capsys)
    assert code == 2
    assert "events.csv, line 3: is 5,000,031 bytes long; a line may hold at most 2,000,000" in output
    assert_nothing_half_written(folder, before, "events")


def test_a_file_20_000_columns_wide_is_checked_quickly(tmp_path):
    # every column is checked by name, the first 200 text columns by content: no minutes-long scan
    header = "customer_id," + ",".join(f"col{i}" for i in range(1, 20_000))
    rows = "\n".join(f"c{r}," + ",".join("x" for _ in range(1, 20_000)) for r in range(20))
    folder = write_workspace(tmp_path / "ws", sources("customers:\n  path: data/crm.csv\n"),
                             {"data/crm.csv": header + "\n" + rows + "\n"})
    result = cli_check(folder, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Valid." in result.stdout


def test_symlink_out_of_the_workspace(tmp_path, capsys):
    folder = write_workspace(tmp_path / "ws", events("data/events.csv"))
    (folder / "data").mkdir()
    (folder / "data" / "events.csv").symlink_to("/etc/passwd")
    before = snapshot(folder)
    code, output = run_check(folder, capsys)
    assert code == 2
    assert "'data/events.csv' points outside the workspace folder" in output
    assert "root:" not in output  # nothing of the linked file is shown
    assert_nothing_half_written(folder, before, "events")


def test_interview_folder_and_transcript_linked_out_of_the_workspace(tmp_path, capsys):
    linked_folder = write_workspace(tmp_path / "ws1", sources("interviews:\n  path: interviews\n"))
    (linked_folder / "interviews").symlink_to("/etc")
    code, output = run_check(linked_folder, capsys)
    assert (code, "'interviews' is a link to /etc, outside the workspace folder" in output) == (2, True)

    linked_file = write_workspace(tmp_path / "ws2", sources("interviews:\n  path: interviews\n"),
                                  {"interviews/i1.md": "## discover\n> I found you on Instagram.\n"})
    (linked_file / "interviews" / "passwd.txt").symlink_to("/etc/passwd")
    code, output = run_check(linked_file, capsys)
    assert (code, "passwd.txt: is a link to /etc/passwd, outside the workspace folder" in output) == (2, True)


@pytest.mark.parametrize("corpus, message", [
    ("yaml_bomb.yaml", "more than 200000 values once aliases are expanded"),
    ("deep_nesting.yaml", "nested too deeply"),
])
def test_hostile_yaml_in_an_interview_front_matter(corpus, message, tmp_path, capsys):
    front = (CORPUS / corpus).read_text(encoding="utf-8")
    folder = write_workspace(tmp_path / "ws", sources("interviews:\n  path: interviews\n"),
                             {"interviews/i1.md": f"---\n{front}---\n## discover\n> Fine.\n"})
    code, output = run_check(folder, capsys)
    assert code == 2
    assert f"i1.md: has front matter that is not valid YAML: {'it is ' if 'nested' in message else ''}{message}" \
        in output


def cli_check(folder: Path, timeout: int) -> subprocess.CompletedProcess:
    """``journeykit check`` in its own process: a hang fails the test instead of blocking the suite."""
    return subprocess.run([sys.executable, "-m", "journeykit", "check", str(folder)], capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.parametrize("corpus, message", [
    ("yaml_bomb.yaml", "journey.yaml: is not valid YAML: more than 200000 values once aliases are expanded"),
    ("deep_nesting.yaml", "journey.yaml: is nested too deeply to be a journey map"),
])
def test_hostile_journey_yaml(corpus, message, tmp_path):
    folder = write_workspace(tmp_path / "ws", (CORPUS / corpus).read_text(encoding="utf-8"))
    before = snapshot(folder)
    result = cli_check(folder, timeout=120)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(folder) == before


def test_a_200_mb_csv_is_read_to_its_last_row_in_bounded_memory(tmp_path):
    # 48 blocks of 100,000 distinct events (about 4.4 MB each) then one bad last row: the header is row 1,
    # so the last row is 1 + 48 * 100,000 + 1 = 4,800,002
    folder = write_workspace(tmp_path / "ws", events("data/events.csv") + "engine: {memory_limit: 1GB, threads: 2}\n")
    names = ["home_view", "view_pricing", "pricing_page", "checkout", "help"]
    block = "".join(f"\nc{i % 9973:05d},2026-07-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:{i % 59:02d},"
                    f"{names[i % 5]},web" for i in range(100_000))
    (folder / "data").mkdir()
    with open(folder / "data" / "events.csv", "w", encoding="utf-8") as out:
        out.write("customer_id,timestamp,touchpoint,channel")
        for k in range(48):
            out.write(block.replace("\nc", f"\nb{k}c"))
        out.write("\nlast,2026-13-45 99:99,home_view,web\n")
    assert (folder / "data" / "events.csv").stat().st_size > 200 * 1024 * 1024
    before = snapshot(folder)
    result = cli_check(folder, timeout=600)
    assert result.returncode == 2, result.stderr
    assert "events.csv, row 4800002, column 'timestamp': '2026-13-45 99:99' is not a date and time" in result.stderr
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert peak_kb < 2_000_000  # about 0.6 GB measured; the engine's limit is 1 GB
    assert_nothing_half_written(folder, before, "events")


@pytest.mark.parametrize("content, message", [
    (b"name: !!python/object/apply:os.system ['touch pwned']\n",
     "could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'"),
    ((CORPUS / "binary_garbage.csv").read_bytes(), "journey.yaml, line 1: is not UTF-8 text"),
    ("name: Étape café\n".encode("cp1252"), "journey.yaml, line 1: is not UTF-8 text"),
    (b"", "journey.yaml: must be a YAML mapping with at least a 'name:' key"),
], ids=["python tag", "binary garbage", "Windows-1252", "empty"])
def test_a_journey_yaml_that_is_not_a_map(content, message, tmp_path, capsys):
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "journey.yaml").write_bytes(content)
    code, output = run_check(folder, capsys)
    assert code == 2 and message in output
    assert sorted(p.name for p in folder.iterdir()) == ["journey.yaml"]  # nothing run, nothing written
