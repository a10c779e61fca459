"""The retry delay doubles per attempt up to its cap, jittered within the step's upper half."""

import random

from host.sync.backoff import retry_delay


def test_delay_doubles_then_caps_and_stays_within_the_upper_half_of_each_step():
    rng = random.Random(7)
    for attempts, step in [(1, 10), (2, 20), (3, 40), (4, 80), (9, 300), (30, 300)]:
        delays = [retry_delay(attempts, 10, 300, rng) for _ in range(200)]
        assert all(step / 2 <= delay <= step for delay in delays)
        assert max(delays) - min(delays) > step / 4, "jitter spreads retries out"
