"""The Sync page's chart: deliveries and failures per hour, as plain SVG geometry.

The page draws the bars itself from these numbers, so it needs no JavaScript and no
chart library, and it renders the same everywhere.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

WIDTH = 600
HEIGHT = 150
#: Room above the bars, so the scale's top number is not cut off or drawn over a bar.
TOP_MARGIN = 10
#: Room under the bars for the hour labels.
LABEL_HEIGHT = 20
#: Room left of the bars for the scale, whose numbers end just before it.
SCALE_WIDTH = 40
HOURS = 24


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    #: Top of the delivered part and its height; failures sit on top of it.
    delivered_y: float
    delivered_height: float
    failed_y: float
    failed_height: float
    hour: datetime
    delivered: int
    failed: int


@dataclass(frozen=True)
class HourLabel:
    x: float
    text: str


@dataclass(frozen=True)
class HourlyChart:
    width: int
    height: int
    plot_top: float
    plot_bottom: float
    scale_max: int
    bars: list[Bar]
    labels: list[HourLabel]

    @property
    def empty(self) -> bool:
        return self.scale_max == 0

    @property
    def plot_middle(self) -> float:
        return (self.plot_top + self.plot_bottom) / 2


def hourly_chart(counts: Mapping[datetime, tuple[int, int]], now: datetime, hours: int = HOURS) -> HourlyChart:
    """Stacked bars for the last ``hours`` hours up to ``now``'s hour.

    :param counts: (delivered, failed) by the hour they started, timezone-aware UTC.
    """
    last_hour = now.replace(minute=0, second=0, microsecond=0)
    hour_starts = [last_hour - timedelta(hours=hours - 1 - index) for index in range(hours)]
    values = [counts.get(hour, (0, 0)) for hour in hour_starts]
    scale_max = max((delivered + failed for delivered, failed in values), default=0)
    plot_bottom = HEIGHT - LABEL_HEIGHT
    plot_height = plot_bottom - TOP_MARGIN
    slot = (WIDTH - SCALE_WIDTH) / hours
    bars, labels = [], []
    for index, (hour, (delivered, failed)) in enumerate(zip(hour_starts, values, strict=True)):
        x = SCALE_WIDTH + index * slot
        delivered_height = plot_height * delivered / scale_max if scale_max else 0.0
        failed_height = plot_height * failed / scale_max if scale_max else 0.0
        delivered_y = plot_bottom - delivered_height
        bars.append(
            Bar(
                x + 1,
                slot - 2,
                delivered_y,
                delivered_height,
                delivered_y - failed_height,
                failed_height,
                hour,
                delivered,
                failed,
            )
        )
        if index % 6 == 0:
            labels.append(HourLabel(x + slot / 2, hour.strftime("%H:00")))
    return HourlyChart(WIDTH, HEIGHT, TOP_MARGIN, plot_bottom, scale_max, bars, labels)
