"""The ``journeykit`` command: ``init``, ``check``, ``sample``, ``quarterly`` and ``workshop``.

Exit codes: 0 success; 1 a quarterly step failed (the others were still written); 2 bad arguments,
an invalid workspace or invalid data (every problem is printed), or a report that already exists; 3 the
disk filled up (or a file size limit was hit) while the report was written: nothing was published and the
previous report is untouched. ``workshop`` returns the exit code of the Voilà (or JupyterLab) server.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict

from . import __version__
from .errors import JourneyKitError, ProblemsError

OK, STEP_FAILED, INVALID = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ProblemsError as error:
        print(error, file=sys.stderr)
        return INVALID
    except (JourneyKitError, FileExistsError, FileNotFoundError) as error:
        print(f"journeykit {args.command}: {error}", file=sys.stderr)
        return INVALID


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="journeykit", description="Customer journey maps tied to real data.")
    parser.add_argument("--version", action="version", version=f"journeykit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="create a workspace from a journey template")
    init.add_argument("directory")
    init.add_argument("--template", required=True, help="ecommerce, saas, subscription, b2b_service or onboarding")
    init.set_defaults(run=_init)

    check = commands.add_parser("check", help="validate journey.yaml and every data source")
    check.add_argument("workspace")
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    check.add_argument("--refresh", action="store_true", help="re-read every file even if unchanged")
    check.set_defaults(run=_check)

    sample = commands.add_parser("sample", help="write the sample company's workspace (deterministic)")
    sample.add_argument("directory")
    sample.add_argument("--seed", type=int, default=2026)
    sample.set_defaults(run=_sample)

    quarterly = commands.add_parser("quarterly", help="produce the quarterly review report")
    quarterly.add_argument("workspace")
    quarterly.add_argument("--quarter", required=True, help="the quarter to review, e.g. 2026Q3")
    quarterly.add_argument("--out", required=True, help="the report folder to create")
    quarterly.add_argument("--previous", help="the previous quarter's report folder")
    quarterly.add_argument("--lang", choices=("en", "fr"), default="en")
    quarterly.add_argument("--jobs", type=int, default=2)
    quarterly.add_argument("--force", action="store_true", help="replace an existing report")
    quarterly.add_argument("--timeout", type=int, default=600, help="seconds a notebook cell may run (600)")
    quarterly.add_argument("--quiet", action="store_true", help="no progress lines, only the summary")
    quarterly.set_defaults(run=_quarterly)

    workshop = commands.add_parser("workshop", help="serve the step notebooks code-free for a live workshop")
    workshop.add_argument("workspace")
    workshop.add_argument("--quarter", required=True, help="the quarter whose data the screens show, e.g. 2026Q3")
    workshop.add_argument("--lang", choices=("en", "fr"), default="en")
    workshop.add_argument("--step", help="open this step (1-10) instead of the list of steps")
    workshop.add_argument("--port", type=int, default=8866)
    workshop.add_argument("--bind", default="0.0.0.0",
                          help="address to listen on (0.0.0.0: the local network; 127.0.0.1: this machine only)")
    workshop.add_argument("--lab", action="store_true", help="open JupyterLab (with the code) instead of Voila")
    workshop.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                          help="a step parameter for the screens, as in the batch runs (e.g. -p n_personas=4)")
    workshop.set_defaults(run=_workshop)
    return parser


def _init(args: argparse.Namespace) -> int:
    from .templates import init

    workspace = init(args.directory, args.template)
    print(f"Created {workspace.file} from the {args.template!r} template.")
    print(f"Next: drop your exports into {workspace.path / 'data'} (see its README.md), map them under "
          f"'sources:' in journey.yaml, then run: journeykit check {args.directory}")
    return OK


def _check(args: argparse.Namespace) -> int:
    from .loading import check
    from .summary import data_summary
    from .pii import usage

    try:
        problems, dataset = check(args.workspace, refresh=args.refresh)
    except ProblemsError as error:  # journey.yaml itself is invalid: no data was read
        if not args.json:
            raise
        print(json.dumps({"valid": False, "problems": [str(p) for p in error.problems], "tables": {},
                          "findings": [], "missing": [], "personal_data": []}, indent=2, ensure_ascii=False))
        return INVALID
    if args.json:
        print(json.dumps({"valid": not problems, "problems": [str(p) for p in problems],
                          "tables": {name: asdict(info) for name, info in dataset.tables.items()},
                          "findings": [asdict(f) for f in dataset.findings], "missing": dataset.missing,
                          "personal_data": [{**asdict(c), "usage": usage(c)} for c in dataset.personal_data]},
                         indent=2, default=str, ensure_ascii=False))
        return INVALID if problems else OK
    if problems:
        raise ProblemsError(problems, f"{dataset.workspace.file} and its data are not valid")
    journey = dataset.workspace.journey
    print(f"Workspace {dataset.workspace.path}: {journey.name.get('en')} "
          f"({len(journey.stages)} stages, {len(journey.touchpoints)} touchpoints, revision {journey.revision})")
    summary = data_summary(dataset)
    if summary.empty:
        print("No data source yet: add sources to journey.yaml (see data/README.md).")
    else:
        print(summary.to_string(index=False, na_rep=""))
    if dataset.missing:
        print(f"No source for: {', '.join(dataset.missing)} (the steps that need them will say so).")
    print(f"Findings ({len(dataset.findings)}):" if dataset.findings else "No data-quality finding.")
    for finding in dataset.findings:
        print(f"  - {finding.table}: {finding.message}")
    personal = dataset.personal_data
    print(f"Personal data ({len(personal)} column(s) look like it; what journeykit does with each):" if personal
          else "No column looks like personal data.")
    for column in personal:
        print(f"  * {column.describe()}")
    print("Valid.")
    return OK


def _sample(args: argparse.Namespace) -> int:
    from .sample import generate

    path = generate(args.directory, seed=args.seed)
    print(f"Wrote the sample workspace to {path}")
    return OK


def _quarterly(args: argparse.Namespace) -> int:
    from .report import quarterly

    import logging

    if not args.quiet:  # progress: one line per step start and end (bars too, on a terminal)
        logging.basicConfig(format="%(asctime)s %(message)s", datefmt="%H:%M:%S", level=logging.INFO)
        logging.getLogger("journeykit.quarterly").setLevel(logging.INFO)
        for noisy in ("papermill", "traitlets", "nbclient", "nbconvert", "NbConvertApp"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    return quarterly(args.workspace, quarter=args.quarter, out=args.out, previous=args.previous,
                     lang=args.lang, jobs=args.jobs, force=args.force, timeout=args.timeout)


def _workshop(args: argparse.Namespace) -> int:
    from .workshop import parameters, serve

    return serve(args.workspace, args.quarter, args.lang, step=args.step, port=args.port, lab=args.lab,
                 bind=args.bind, extra=parameters(args.param))


if __name__ == "__main__":
    sys.exit(main())
