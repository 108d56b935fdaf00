"""How long journeykit's event-level analyses take, and how much memory, on a large synthetic event log.

    .venv/bin/python benchmarks/generate_events.py --events 10000000 --out /tmp/jk-bench/10M
    .venv/bin/python benchmarks/event_analyses.py /tmp/jk-bench/10M [more workspaces] [--repeat 3]
        [--quarter 2026Q3] [--json results.json] [--skip-staging] [--only kit_transitions,sql_core]

For each workspace (made by ``generate_events.py``):

1. **staging**: ``jk.load(workspace, refresh=True)`` reads and validates the source files and writes the typed
   Parquet tables under ``.journeykit/tables`` (done once per data change; reported apart).
2. **kit_***: each analysis through journeykit's own functions on ``jk.study(workspace, quarter)``, each in a
   fresh process so that its peak resident memory is its own:
   ``kit_transitions`` (``paths.transitions_frame``), ``kit_funnel`` (``stages.funnel``; its ``median_days``
   column *is* the stage durations, computed by the same query), ``kit_touchpoints``
   (``touchpoints._statistics``: reach, volume, median seconds to the next event), ``kit_features``
   (``features.customer_features``, one row per customer: aggregated in the engine to a single row of
   counts and means, so that every column is computed but the rows stay in the engine; step 3 likewise
   keeps them in the engine and pulls a sample), ``kit_conformance`` (``validation.conformance``).
   ``kit_all`` runs all five in one process, ``kit_core`` the three core ones (transitions, funnel,
   touchpoint statistics); there transitions and statistics read the study's order of the quarter
   (``Engine.ordered``, as step 5 does: on a log staged by journeykit a filter of the staged file, whose
   events carry each customer's following event, sorted once at staging), while each alone sorts the events
   itself, as the hand-written SQL does. ``kit_features_frame`` (not part of ``kit_all``) pulls every
   customer's row into pandas, for reference.
3. **sql_***: the same three core outputs written by hand in DuckDB SQL on the staged Parquet file, each
   alone and together (``sql_core``); the kit's and the hand-written results are compared (``same``).

``seconds`` is the analysis alone (after the study is opened), ``process`` the whole subprocess (Python start,
imports, opening the study), ``peak_mb`` the subprocess's maximum resident set size (``getrusage``, Python
and the imports included: about 150 MB before any query). With
``--repeat N`` every item is run N times, in N rounds over all items (so that the kit and the SQL meet the same
machine load), and the median is shown; ``cpu`` (CPU seconds of the analysis, all threads) is the figure least
disturbed by other work on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KIT = ["kit_transitions", "kit_funnel", "kit_touchpoints", "kit_features", "kit_conformance"]
CORE = {"transitions": ("kit_transitions", "sql_transitions"), "funnel": ("kit_funnel", "sql_funnel"),
        "touchpoints": ("kit_touchpoints", "sql_touchpoints")}
RUNS = ["staging", *KIT, "kit_all", "kit_core", "kit_features_frame",
        "sql_transitions", "sql_funnel", "sql_touchpoints", "sql_core"]
TARGETS = {  # events -> (seconds, peak MB) for kit_all
    10_000_000: (8.0, 3_000),
    100_000_000: (120.0, None),
}
CORE_RATIO = 1.25


# --- what runs inside a subprocess ------------------------------------------------------------------------

def _kit(name: str, s, shared: bool):
    """One analysis; ``shared``: transitions and touchpoint statistics read the study's one sort of the
    quarter (``Engine.ordered``, as the steps do), else each sorts the events itself (one call alone)."""
    from journeykit import features, paths, stages, touchpoints, validation

    if name == "kit_transitions":
        return paths.transitions_frame(s.engine.ordered(s.quarter) if shared else s.table("events"))
    if name == "kit_funnel":
        return stages.funnel(s.events(), s.journey)
    if name == "kit_touchpoints":
        return touchpoints._statistics(s.engine.ordered(s.quarter) if shared else s.table("events")).execute()
    if name == "kit_features":
        table = features.customer_features(s)
        schema = table.schema()
        numbers = [c for c, t in schema.items() if t.is_numeric()]
        labels = [c for c, t in schema.items() if t.is_string() and c != "customer_id"]
        return table.aggregate(customers=table.count(), **{f"mean_{c}": table[c].mean() for c in numbers},
                               **{f"levels_{c}": table[c].nunique() for c in labels}).execute()
    if name == "kit_features_frame":
        return features.customer_features(s).execute()
    if name == "kit_conformance":
        shares, breaks = validation.conformance(s.events())
        return breaks.assign(**{key: value for key, value in shares.items()})
    raise ValueError(name)


def _quarter_bounds(quarter: str) -> tuple[str, str]:
    from journeykit.quarters import Quarter

    period = Quarter.parse(quarter)
    return f"TIMESTAMP '{period.start:%Y-%m-%d %H:%M:%S}'", f"TIMESTAMP '{period.end:%Y-%m-%d %H:%M:%S}'"


def _sql(name: str, con, events: str, journey, quarter: str):
    """The hand-written DuckDB SQL of one core output, on the staged events file."""
    start, end = _quarter_bounds(quarter)
    quarter_events = (f"SELECT customer_id, \"timestamp\", touchpoint, stage FROM read_parquet('{events}') "
                      f"WHERE \"timestamp\" >= {start} AND \"timestamp\" < {end}")
    if name == "sql_transitions":
        return con.sql(f"""
            WITH ordered AS (
                SELECT customer_id, touchpoint, "timestamp",
                       lead(touchpoint) OVER w AS next_touchpoint, lead("timestamp") OVER w AS next_timestamp
                FROM ({quarter_events})
                WINDOW w AS (PARTITION BY customer_id ORDER BY "timestamp", touchpoint))
            SELECT touchpoint AS source, next_touchpoint AS target, count(*) AS count,
                   count(DISTINCT customer_id) AS customers,
                   median(epoch(next_timestamp) - epoch("timestamp")) AS median_seconds
            FROM ordered WHERE next_touchpoint IS NOT NULL
            GROUP BY ALL ORDER BY count DESC, source, target""").df()
    if name == "sql_touchpoints":
        return con.sql(f"""
            WITH ordered AS (
                SELECT customer_id, touchpoint, "timestamp", lead("timestamp") OVER w AS next_timestamp
                FROM ({quarter_events})
                WINDOW w AS (PARTITION BY customer_id ORDER BY "timestamp", touchpoint))
            SELECT touchpoint, count(*) AS events, count(DISTINCT customer_id) AS customers,
                   median(epoch(next_timestamp) - epoch("timestamp")) AS median_seconds
            FROM ordered GROUP BY touchpoint""").df()
    if name == "sql_funnel":
        stage_of = ", ".join(f"('{tp.id}', '{tp.stage}')" for tp in journey.touchpoints)
        order_of = ", ".join(f"('{stage}', {order})" for order, stage in enumerate(journey.stage_ids()))
        last = len(journey.stages) - 1
        return con.sql(f"""
            WITH map(touchpoint, map_stage) AS (VALUES {stage_of}),
            orders(stage, stage_order) AS (VALUES {order_of}),
            staged AS (
                SELECT e.customer_id, e."timestamp", o.stage, o.stage_order
                FROM ({quarter_events}) e LEFT JOIN map m USING (touchpoint)
                JOIN orders o ON o.stage = coalesce(e.stage, m.map_stage)),
            entries AS (
                SELECT customer_id, stage, stage_order, min("timestamp") AS first, max("timestamp") AS last,
                       count(*) AS events
                FROM staged GROUP BY ALL),
            later AS (
                SELECT *, min(first) OVER w AS next_first, max(last) OVER w AS later_last
                FROM entries
                WINDOW w AS (PARTITION BY customer_id ORDER BY stage_order
                             ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)),
            flagged AS (
                SELECT *, coalesce(later_last > first, false) AS converted,
                       epoch(next_first) - epoch(first) AS seconds
                FROM later)
            SELECT stage, stage_order, count(*) AS customers,
                   CASE WHEN stage_order < {last} THEN count(*) FILTER (converted) ELSE 0 END AS converted,
                   CASE WHEN stage_order < {last} THEN count(*) FILTER (converted) / count(*) END AS conversion,
                   CASE WHEN stage_order < {last} THEN 1 - count(*) FILTER (converted) / count(*) END AS drop_off,
                   CASE WHEN stage_order < {last} THEN median(seconds / 86400) FILTER (converted AND seconds >= 0)
                   END AS median_days,
                   sum(events) AS events
            FROM flagged GROUP BY stage, stage_order ORDER BY stage_order""").df()
    raise ValueError(name)


def _cpu() -> float:
    """CPU seconds of this process so far, all threads (less sensitive than wall time to a busy machine)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(name: str, workspace: str, quarter: str, results: str | None, max_temp: str | None = None) -> None:
    """Run one measured item in this process and print its timings as one JSON line."""
    started = time.perf_counter()
    import journeykit as jk

    out: dict = {"import": time.perf_counter() - started}
    frames = {}
    if name == "staging":
        began, cpu = time.perf_counter(), _cpu()
        dataset = jk.load(workspace, refresh=True)
        out["seconds"], out["cpu"] = time.perf_counter() - began, _cpu() - cpu
        out["rows"] = dataset.tables["events"].rows
        out["customers"] = dataset.tables["events"].customers
    elif name.startswith("kit_"):
        began = time.perf_counter()
        s = jk.study(workspace, quarter, "en")
        if max_temp:  # a cap on the engine's spill files, so that a runaway query fails instead of filling the disk
            s.engine.con.raw_sql(f"SET max_temp_directory_size = '{max_temp}'")
        out["open"] = time.perf_counter() - began
        names = {"kit_all": KIT, "kit_core": [kit for kit, _ in CORE.values()]}.get(name, [name])
        began, cpu = time.perf_counter(), _cpu()
        for item in names:
            item_began = time.perf_counter()
            frames[item] = _kit(item, s, shared=len(names) > 1)
            out[f"{item}_seconds"] = time.perf_counter() - item_began
        out["seconds"], out["cpu"] = time.perf_counter() - began, _cpu() - cpu
        out["rows"] = sum(len(frame) for frame in frames.values())
    else:
        import duckdb

        dataset = jk.load(workspace)  # cached: only reads the staged tables' description
        events = dataset.path("events").as_posix()
        journey = dataset.workspace.journey
        began = time.perf_counter()
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        con.execute(f"SET temp_directory = '{(dataset.workspace.cache / 'spill').as_posix()}'")
        if max_temp:
            con.execute(f"SET max_temp_directory_size = '{max_temp}'")
        con.sql("SELECT 1").df()  # the first result to pandas loads its converters (0.2 s), as the kit's open does
        out["open"] = time.perf_counter() - began
        names = [sql for _, sql in CORE.values()] if name == "sql_core" else [name]
        began, cpu = time.perf_counter(), _cpu()
        for item in names:
            item_began = time.perf_counter()
            frames[item] = _sql(item, con, events, journey, quarter)
            out[f"{item}_seconds"] = time.perf_counter() - item_began
        out["seconds"], out["cpu"] = time.perf_counter() - began, _cpu() - cpu
        out["rows"] = sum(len(frame) for frame in frames.values())
    if results:
        for item, frame in frames.items():
            if item in {kit for kit, _ in CORE.values()} | {sql for _, sql in CORE.values()}:
                frame.to_pickle(Path(results) / f"{item}.pkl")
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the process's peak, in MB
    print(json.dumps(out))


# --- the parent: subprocesses, medians, comparison, table -------------------------------------------------

def measure(name: str, workspace: Path, quarter: str, results: Path, max_temp: str | None) -> dict:
    command = [sys.executable, __file__, "--child", name, str(workspace), "--quarter", quarter,
               "--results", str(results), *(["--max-temp", max_temp] if max_temp else [])]
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - began
    if process.returncode != 0:
        lines = stderr.strip().splitlines() or ["?"]
        errors = [line for line in lines if "Error:" in line or "Exception:" in line]
        return {"error": (errors or lines)[-1][:300], "process": wall}
    result = json.loads(stdout.strip().splitlines()[-1])
    result["process"] = wall
    return result


def _median(runs: list[dict]) -> dict:
    good = [run for run in runs if "error" not in run]
    if not good:
        return runs[0]
    keys = [key for key, value in good[0].items() if isinstance(value, (int, float))]
    merged = {key: statistics.median(run[key] for run in good) for key in keys}
    merged["runs"] = len(good)
    merged["all_seconds"] = [round(run["seconds"], 2) for run in good]
    return merged


def same(kit, sql, keys: list[str]) -> bool:
    """Whether the kit's and the hand-written frames hold the same rows (numbers to 1e-6 relative)."""
    import numpy as np

    if len(kit) != len(sql):
        return False
    columns = [c for c in sql.columns if c in kit.columns]
    a = kit[columns].sort_values(keys, ignore_index=True)
    b = sql[columns].sort_values(keys, ignore_index=True)
    for column in columns:
        left, right = a[column], b[column]
        if left.dtype.kind in "fiub" or right.dtype.kind in "fiub":
            if not np.allclose(left.astype(float), right.astype(float), rtol=1e-6, equal_nan=True):
                return False
        elif not (left.astype(str) == right.astype(str)).all():
            return False
    return True


def run_workspace(workspace: Path, quarter: str, repeat: int, only: list[str] | None, skip_staging: bool,
                  max_temp: str | None = None) -> dict:
    results = Path(tempfile.mkdtemp(prefix="jk-bench-results-"))
    load_before = os.getloadavg()
    names = [n for n in RUNS if (only is None or n in only) and not (skip_staging and n == "staging")]
    if "staging" not in names and not (workspace / ".journeykit" / "tables" / "dataset.json").exists():
        names.insert(0, "staging")  # the analyses need staged tables
    runs: dict[str, list[dict]] = {name: [] for name in names}
    for round_ in range(repeat):  # rounds, so that the kit and the SQL meet the same machine load
        for name in names:
            if name == "staging" and round_ > 0:
                continue
            runs[name].append(measure(name, workspace, quarter, results, max_temp))
            print(f"  {round_ + 1}/{repeat} {name:<20} {_cell(runs[name][-1])}", file=sys.stderr, flush=True)
    rows = {name: _median(items) for name, items in runs.items()}
    events = rows.get("staging", {}).get("rows") or _events(workspace)
    comparison = {}
    import pandas as pd

    keys = {"transitions": ["source", "target"], "funnel": ["stage_order"], "touchpoints": ["touchpoint"]}
    for output, (kit, sql) in CORE.items():
        if kit in rows and sql in rows and "error" not in rows[kit] and "error" not in rows[sql]:
            kit_file, sql_file = results / f"{kit}.pkl", results / f"{sql}.pkl"
            match = same(pd.read_pickle(kit_file), pd.read_pickle(sql_file), keys[output]) \
                if kit_file.exists() and sql_file.exists() else None
            comparison[output] = {"kit": rows[kit]["seconds"], "sql": rows[sql]["seconds"],
                                  "ratio": rows[kit]["seconds"] / rows[sql]["seconds"],
                                  "cpu_ratio": rows[kit].get("cpu", 0) / max(rows[sql].get("cpu", 0), 1e-9),
                                  "kit_peak_mb": rows[kit]["peak_mb"], "sql_peak_mb": rows[sql]["peak_mb"],
                                  "same": match}
    kit_core, sql_core = rows.get("kit_core", {"error": ""}), rows.get("sql_core", {"error": ""})
    if "error" not in kit_core and "error" not in sql_core:
        comparison["core_together"] = {
            "kit": kit_core["seconds"], "sql": sql_core["seconds"], "ratio": kit_core["seconds"] / sql_core["seconds"],
            "cpu_ratio": kit_core.get("cpu", 0) / max(sql_core.get("cpu", 0), 1e-9),
            "kit_peak_mb": kit_core["peak_mb"], "sql_peak_mb": sql_core["peak_mb"], "same": None}
    return {"workspace": str(workspace), "events": events, "rows": rows, "core_vs_sql": comparison,
            "load_before": load_before, "load_after": os.getloadavg()}


def _events(workspace: Path) -> int | None:
    meta = workspace / ".journeykit" / "tables" / "dataset.json"
    if meta.exists():
        return json.loads(meta.read_text(encoding="utf-8"))["tables"]["events"]["rows"]
    return None


def _cell(row: dict) -> str:
    if "error" in row:
        return f"ERROR {row['error']}"
    return (f"{row['seconds']:8.2f} s  cpu {row.get('cpu', float('nan')):7.2f} s  {row['process']:8.2f} s  "
            f"{row['peak_mb']:8.0f} MB")


def targets(report: dict) -> list[str]:
    lines = []
    for size in report["sizes"]:
        events = size["events"] or 0
        for target_events, (seconds, peak) in TARGETS.items():
            if abs(events - target_events) > target_events * 0.01:
                continue
            row = size["rows"].get("kit_all")
            if row and "error" not in row:
                verdict = "met" if row["seconds"] <= seconds else "MISSED"
                lines.append(f"{events:,} events, all analyses: {row['seconds']:.2f} s (target <= {seconds:g} s): "
                             f"{verdict}")
                if peak is not None:
                    verdict = "met" if row["peak_mb"] <= peak else "MISSED"
                    lines.append(f"{events:,} events, all analyses: peak {row['peak_mb']:.0f} MB (target <= "
                                 f"{peak:,} MB): {verdict}")
            elif row:
                lines.append(f"{events:,} events, all analyses: failed ({row['error']})")
            if target_events == 10_000_000:
                for output, item in size["core_vs_sql"].items():
                    verdict = "met" if item["ratio"] <= CORE_RATIO else "MISSED"
                    lines.append(f"{events:,} events, {output}: kit {item['kit']:.2f} s vs SQL {item['sql']:.2f} s "
                                 f"= {item['ratio']:.2f}x (target <= {CORE_RATIO}x): {verdict}"
                                 + ("" if item["same"] is None else f"; same result: {item['same']}"))
    growth = [(s["events"], s["rows"]["kit_all"]["seconds"]) for s in report["sizes"]
              if s["events"] and "kit_all" in s["rows"] and "error" not in s["rows"]["kit_all"]]
    if len(growth) > 1:
        growth.sort()
        lines.append("all analyses, seconds per million events: " + ", ".join(
            f"{events / 1e6:g}M: {seconds / events * 1e6:.3f}" for events, seconds in growth))
    return lines


def table(report: dict) -> str:
    lines = []
    for size in report["sizes"]:
        lines.append(f"\n{size['events'] or '?':,} events ({size['workspace']}), load average before "
                     f"{size['load_before'][0]:.2f}, after {size['load_after'][0]:.2f}")
        lines.append(f"{'analysis':<20} {'seconds':>8} {'cpu s':>7} {'process s':>10} {'peak MB':>9}  runs")
        for name, row in size["rows"].items():
            if "error" in row:
                lines.append(f"{name:<20} ERROR: {row['error']}")
                continue
            runs = " ".join(f"{s:g}" for s in row.get("all_seconds", []))
            lines.append(f"{name:<20} {row['seconds']:8.2f} {row.get('cpu', float('nan')):7.2f} {row['process']:10.2f} "
                         f"{row['peak_mb']:9.0f}  {runs}")
        for output, item in size["core_vs_sql"].items():
            lines.append(f"{'kit/sql ' + output:<20} {item['ratio']:8.2f}x (cpu {item['cpu_ratio']:.2f}x)"
                         + ("" if item["same"] is None else f"  same result: {item['same']}"))
    lines.append("")
    lines += targets(report)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspaces", nargs="+", type=Path)
    parser.add_argument("--quarter", default="2026Q3")
    parser.add_argument("--repeat", type=int, default=1, help="runs per item; the median is shown")
    parser.add_argument("--only", help=f"comma-separated items among {', '.join(RUNS)}")
    parser.add_argument("--skip-staging", action="store_true", help="reuse the staged tables")
    parser.add_argument("--json", type=Path, help="also write the JSON report to this file")
    parser.add_argument("--max-temp", help="cap on the engine's spill files per analysis (e.g. 40GB): a query that "
                        "needs more fails instead of filling the disk (staging is not capped)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--results", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, str(args.workspaces[0]), args.quarter, args.results, args.max_temp)
        return
    only = None if args.only is None else [item.strip() for item in args.only.split(",")]
    unknown = sorted(set(only or []) - set(RUNS))
    if unknown:
        parser.error(f"--only: unknown items {', '.join(unknown)}. Known: {', '.join(RUNS)}")
    report = {"date": datetime.now().isoformat(timespec="seconds"), "machine": {
        "cpus": os.cpu_count(), "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(), "platform": platform.platform()}, "sizes": []}
    for workspace in args.workspaces:
        print(f"{workspace}:", file=sys.stderr, flush=True)
        report["sizes"].append(run_workspace(workspace.resolve(), args.quarter, args.repeat, only, args.skip_staging,
                                             args.max_temp))
    print(table(report))
    text = json.dumps(report, indent=1, default=float)
    print(text)
    if args.json:
        args.json.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
