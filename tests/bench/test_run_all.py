"""run_all.py puts its run in docs/benchmarks.md between the latest-run markers and leaves the rest."""

import datetime

import pytest
from run_all import DOCS, LATEST_RUN_END, LATEST_RUN_START, latest_run, latest_run_span, table, with_latest_run

BEFORE = "# Benchmarks\n\nProse about the benchmarks.\n\n## The latest run\n\n"
AFTER = "\n\nMore prose, kept.\n\n## What each figure is\n"
ROWS = [{"benchmark": "bulk backfill", "name": "20000 users, Bulk API 2.0: API calls", "value": 7, "unit": "calls"}]


def document(between: str) -> str:
    return f"{BEFORE}{LATEST_RUN_START}{between}{LATEST_RUN_END}{AFTER}"


def test_the_run_replaces_what_the_markers_hold_and_the_rest_is_kept() -> None:
    old = document("\n| stale | typed | by | hand |\n")
    run = latest_run("python bench/run_all.py", datetime.date(2026, 12, 4), "2 cores; Python 3.11.7", table(ROWS), [])

    written = with_latest_run(old, run)

    assert written == document(f"\n{run}\n")
    assert "stale" not in written
    assert "`python bench/run_all.py` on 2026-12-04." in written
    assert "Machine: 2 cores; Python 3.11.7." in written
    assert "| bulk backfill | 20000 users, Bulk API 2.0: API calls | 7     | calls |" in written


def test_writing_twice_leaves_one_run() -> None:
    first = with_latest_run(document("\nold\n"), "first run")

    assert with_latest_run(first, "second run") == document("\nsecond run\n")


def test_failed_benchmarks_are_named_under_the_table() -> None:
    run = latest_run("python bench/run_all.py --quick", datetime.date(2026, 12, 4), "2 cores", table(ROWS), ["a.py"])

    assert run.endswith("\n\nFailed, so some of their figures may be missing: a.py.")


@pytest.mark.parametrize(
    "text",
    [f"{BEFORE}{AFTER}", f"{BEFORE}{LATEST_RUN_START}{AFTER}", f"{BEFORE}{LATEST_RUN_END}{LATEST_RUN_START}{AFTER}"],
    ids=["no markers", "no end", "end before start"],
)
def test_a_document_without_both_markers_in_order_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="latest-run:start"):
        with_latest_run(text, "run")


def test_the_benchmarks_page_has_the_markers() -> None:
    start, end = latest_run_span(DOCS.read_text(encoding="utf-8"))

    assert start < end
