"""How long to wait before retrying after a transient fault."""

import random


def retry_delay(attempts: int, base_seconds: float, max_seconds: float, rng: random.Random | None = None) -> float:
    """Seconds to wait after the ``attempts``-th transient fault in a row.

    Exponential (base, 2x base, 4x base, ...) up to ``max_seconds``, with the upper
    half jittered so that records which failed together (an outage) come back spread
    out instead of in one thundering batch, while still waiting at least half the step.
    """
    step = min(max_seconds, base_seconds * 2 ** max(attempts - 1, 0))
    return step / 2 + (rng or random).uniform(0, step / 2)
