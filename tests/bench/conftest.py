"""The benchmarks' tests import bench/'s scripts as the scripts import each other: with bench/ first on the path."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
