"""Run every benchmark in bench/ and print their figures as one table, with the machine.

    python bench/run_all.py [--quick] [--write-docs]

Each benchmark is a script run in its own process (so one's memory does not colour
another's); ``--quick`` passes each its smaller sizes, for a look in a minute or two.
``--write-docs`` also puts the run (date, machine, table) in docs/benchmarks.md between
its latest-run markers, so the page shows one real run rather than figures typed by hand.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from report import FIGURES_FILE_ENV

BENCH = Path(__file__).resolve().parent
NOT_BENCHMARKS = {"report.py", "run_all.py", "databases.py", "celery_workers.py", "connected_site.py"}
DOCS = BENCH.parent / "docs" / "benchmarks.md"
LATEST_RUN_START = "<!-- latest-run:start -->"
LATEST_RUN_END = "<!-- latest-run:end -->"
#: Scenarios a benchmark runs only when asked, which the table includes.
ARGUMENTS = {"bulk_backfill.py": ["--topics", "--fill-empty"]}
#: Smaller sizes per benchmark for ``--quick``.
QUICK_ARGUMENTS = {
    "queue_throughput.py": ["--entries", "2000", "--registrations", "30"],
    "backfill_memory.py": ["--users", "20000"],
    "site_with_plugins.py": ["--registrations", "20", "--burst", "100"],
    "emulator_throughput.py": ["--seconds", "1"],
    "api_calls.py": ["--burst", "200"],
    "steady_registrations.py": ["--count", "100", "--wait", "5"],
    "import_alongside.py": ["--records", "300", "--registrations", "30"],
    "end_to_end.py": ["--count", "1000"],
    "bulk_backfill.py": ["--count", "4000"],
    "orders_calls.py": ["--burst", "30"],
    "import_calls.py": ["--records", "2500"],
}


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory_kib = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory_kib / 2**20:.0f} GiB; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def run(script: Path, quick: bool, figures_file: Path) -> int:
    print(f"\n=== {script.name} ===", flush=True)
    arguments = [*ARGUMENTS.get(script.name, []), *(QUICK_ARGUMENTS.get(script.name, []) if quick else [])]
    environment = {**os.environ, FIGURES_FILE_ENV: str(figures_file)}
    return subprocess.call([sys.executable, str(script), *arguments], env=environment, cwd=BENCH.parent)


def table(rows: list[dict]) -> str:
    header = ("benchmark", "figure", "value", "unit")
    cells = [
        header,
        *(
            (
                row["benchmark"],
                row["name"],
                f"{row['value']:,.3g}" if abs(row["value"]) < 10 else f"{row['value']:,.0f}",
                row["unit"],
            )
            for row in rows
        ),
    ]
    widths = [max(len(str(cell[column])) for cell in cells) for column in range(4)]
    lines = ["| " + " | ".join(str(cell[column]).ljust(widths[column]) for column in range(4)) + " |" for cell in cells]
    lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)


def latest_run(command: str, day: datetime.date, machine: str, table: str, failed: list[str]) -> str:
    """The docs' account of one run: how and where it ran, its table, and what failed."""
    lines = [f"`{command}` on {day.isoformat()}.", "", f"Machine: {machine}.", "", table]
    if failed:
        lines += ["", f"Failed, so some of their figures may be missing: {', '.join(failed)}."]
    return "\n".join(lines)


def latest_run_span(document: str) -> tuple[int, int]:
    """Where the text between the latest-run markers begins and ends in ``document``.

    :raises ValueError: the markers are not there, in that order.
    """
    start = document.find(LATEST_RUN_START)
    end = document.find(LATEST_RUN_END, start)
    if start < 0 or end < 0:
        raise ValueError(f"The document has no {LATEST_RUN_START} followed by {LATEST_RUN_END} to put the run between.")
    return start + len(LATEST_RUN_START), end


def with_latest_run(document: str, run: str) -> str:
    """``document`` with what lies between the latest-run markers replaced by ``run``; the rest as it was."""
    start, end = latest_run_span(document)
    return f"{document[:start]}\n{run}\n{document[end:]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a quick look")
    parser.add_argument("--write-docs", action="store_true", help=f"put the run in {DOCS.relative_to(BENCH.parent)}")
    arguments = parser.parse_args()
    if arguments.write_docs:
        try:
            latest_run_span(DOCS.read_text(encoding="utf-8"))
        except ValueError as error:
            parser.error(f"{DOCS}: {error}")  # before the benchmarks run, not after
    scripts = sorted(path for path in BENCH.glob("*.py") if path.name not in NOT_BENCHMARKS)
    with tempfile.TemporaryDirectory() as temporary:
        figures_file = Path(temporary) / "figures.jsonl"
        figures_file.touch()
        failed = [script.name for script in scripts if run(script, arguments.quick, figures_file) != 0]
        rows = [json.loads(line) for line in figures_file.read_text().splitlines()]
    where, summary = machine(), table(rows)
    print(f"\nMachine: {where}\n")
    print(summary)
    if arguments.write_docs:
        command = "python bench/run_all.py" + (" --quick" if arguments.quick else "")
        run_text = latest_run(command, datetime.datetime.now(datetime.UTC).date(), where, summary, failed)
        DOCS.write_text(with_latest_run(DOCS.read_text(encoding="utf-8"), run_text), encoding="utf-8")
        print(f"\nWritten to {DOCS}")
    if failed:
        print(f"\nFailed: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
