"""Figures a benchmark reports: printed as it runs, and gathered into one table by run_all.py.

A benchmark calls :func:`figure` for each number worth keeping. When run by
``bench/run_all.py`` the figures are also appended, one JSON object a line, to the file
named by ``PLUGHOST_BENCH_FIGURES``.
"""

import json
import os

FIGURES_FILE_ENV = "PLUGHOST_BENCH_FIGURES"


def figure(benchmark: str, name: str, value: float, unit: str) -> None:
    """Record one figure of ``benchmark`` (e.g. "sync queue") for the summary table."""
    path = os.environ.get(FIGURES_FILE_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as figures:
            figures.write(json.dumps({"benchmark": benchmark, "name": name, "value": value, "unit": unit}) + "\n")
