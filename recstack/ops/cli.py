"""``recstack pipeline run PIPELINE.toml``: parse, call :func:`run_pipeline`, print;
``recstack pipeline report RUN``: rewrite a run's HTML page.

Registered into the main parser by :func:`add_commands` (one line in ``recstack/cli.py``).
Exit status: 0 when the run completed (published or held back by the gate: a refusal by
the gate is a result, not an error, and the last line printed, ``result: not published:
REASON``, says why) or was already complete; the CLI's user-error status when a quality
check failed, the file is wrong or another run of the pipeline holds the lock.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["add_commands"]


def add_commands(subparsers: Any) -> None:
    """Add ``pipeline run`` and ``pipeline report`` to the main parser's subcommands."""
    # the main parser's path types: an empty path is refused (it was the working folder),
    # as is a file output ending in '/'
    from recstack.cli import _path, output_file

    pipeline = subparsers.add_parser(
        "pipeline", help="production loop: new partitions -> checks -> drift -> retrain -> "
                         "gate -> publish")
    commands = pipeline.add_subparsers(title="pipeline commands")

    def show_help(args: argparse.Namespace) -> int:
        pipeline.print_help(sys.stderr)
        return 2

    pipeline.set_defaults(run=show_help)
    run = commands.add_parser(
        "run", help="run (or resume) the pipeline of a PIPELINE.toml file",
        description="Reads the partitions, checks their quality, measures drift, retrains, "
                    "evaluates against the published model and publishes when the gate "
                    "passes. A rerun resumes an interrupted run; after a completed run it "
                    "does nothing until new partitions arrive. Relative paths in the file "
                    "(partitions, items, users, work, registry root) are taken from the "
                    "file's own folder, not the working folder, so the file runs the same "
                    "from anywhere.")
    run.add_argument("file", metavar="PIPELINE.toml", type=_path, help="the pipeline file")
    run.add_argument("--quiet", action="store_true", help="print only the result line")
    run.set_defaults(run=_run)
    report = commands.add_parser(
        "report", help="(re)write the HTML page of a pipeline run folder",
        description="Writes RUN/report/report.html (or --out) from the run's report.json; "
                    "the pipeline writes it itself, this rebuilds it for any past run.")
    report.add_argument("run_folder", metavar="RUN", type=_path,
                        help="a run folder, WORK/runs/RUN")
    report.add_argument("--out", type=output_file("report.html", writes="an HTML page",
                                                    suffixes=(".html", ".htm")),
                        default=None,
                        help="the file to write")
    report.add_argument("--overwrite", action="store_true",
                        help="replace an existing --out file (RUN/report/report.html, the "
                             "run's own page, is always replaced)")
    report.set_defaults(run=_report)


def _report(args: argparse.Namespace) -> int:
    from recstack.analysis.pipeline_report import write_pipeline_report
    from recstack.cli import require_folder
    from recstack.experiment import check_output_file, refuse_non_file_output

    # a missing RUN, or a file, was "not a completed pipeline run (no RUN/report/...)"
    require_folder(args.run_folder, "a run folder, WORK/runs/RUN (the pipeline file's work "
                                    "folder holds one per run under runs/)")
    if args.out is not None:  # as `recstack report --out`: no file replaced unasked
        check_output_file(args.out, overwrite=args.overwrite)
    else:  # the run's own page is replaced, unless it is not a file (a dangling link)
        refuse_non_file_output(args.run_folder / "report" / "report.html", "--out")
    print(f"report: {write_pipeline_report(args.run_folder, args.out).absolute()}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from recstack.models.registry import require_fit_libraries
    from recstack.ops.pipeline import run_pipeline
    from recstack.ops.pipeline_config import load_pipeline

    spec = load_pipeline(args.file)
    # before any partition is read: a model whose library is missing was found only at
    # the retraining step, after the quality checks and the drift measure had run and
    # written their part of the run folder (as `recstack evaluate` refuses it up front);
    # named as the training step names the model
    require_fit_libraries(spec.model.type, spec.model.params,
                          f"{spec.source_file}: [model] ({spec.model.type}): ")
    outcome = run_pipeline(spec)
    if outcome.up_to_date:
        print(f"pipeline up to date: run {outcome.run} is complete ({outcome.folder}); "
              "nothing new to do")
        return 0
    report_text = (outcome.folder / "report" / "report.txt").read_text(encoding="utf-8")
    if not args.quiet:
        print(report_text, end="")
    else:
        print(report_text.rstrip().splitlines()[-1])
    return 0
