"""What the admin's Sync page shows, read from the queue's tables."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select

from host.extensions import db
from host.plugins.manager import current_plugin_host
from host.sync.chart import HOURS, HourlyChart, hourly_chart
from host.sync.delivery import batch_wait
from host.sync.handlers import BatchWait
from host.sync.models import EntryState, ResultState, SyncEntry, SyncHourlyCount, SyncPause, SyncResult
from host.sync.pauses import active_pauses, pause_end
from host.sync.runtime import sync_runtime
from host.timestamps import as_utc, utcnow


@dataclass(frozen=True)
class PluginQueue:
    """One plugin's part of the queue."""

    name: str
    title: str
    pending: int
    #: Pending entries whose last attempt failed: they are tried again after a back-off.
    retrying: int
    in_flight: int
    done_last_day: int
    dead: int
    pause: SyncPause | None
    chart: HourlyChart
    #: Set while the plugin lets entries wait to fill batches (its handlers say when).
    batching: BatchWait | None = None

    @property
    def paused_until(self) -> datetime | None:
        return pause_end(self.pause) if self.pause else None


def plugin_title(plugin: str) -> str:
    """The plugin's title for people; its name when it is no longer installed."""
    installed = current_plugin_host().get(plugin)
    return installed.title if installed else plugin


def queued_plugins() -> list[str]:
    """Plugins with a sync handler, or with anything in the queue's tables."""
    names = {plugin for plugin, _kind in sync_runtime().handlers()}
    names.update(db.session.scalars(select(SyncEntry.plugin).distinct()))
    names.update(db.session.scalars(select(SyncResult.plugin).distinct()))
    return sorted(names, key=lambda name: plugin_title(name).lower())


def batching(plugin: str) -> BatchWait | None:
    """The longest wait any of the plugin's handlers allows now to fill batches."""
    waits = [
        wait
        for (name, _kind), handler in sync_runtime().handlers().items()
        if name == plugin and (wait := batch_wait(handler)) is not None
    ]
    return max(waits, key=lambda wait: wait.seconds, default=None)


def plugin_queues() -> list[PluginQueue]:
    """Every queued plugin's counts, pause and last day's chart."""
    now = utcnow()
    day_start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=HOURS - 1)
    states: dict[tuple[str, str], int] = {
        (plugin, str(state)): count
        for plugin, state, count in db.session.execute(
            select(SyncEntry.plugin, SyncEntry.state, func.count()).group_by(SyncEntry.plugin, SyncEntry.state)
        )
    }
    retrying: dict[str, int] = {
        plugin: count
        for plugin, count in db.session.execute(
            select(SyncEntry.plugin, func.count())
            .where(SyncEntry.state == EntryState.PENDING, SyncEntry.attempts > 0)
            .group_by(SyncEntry.plugin)
        )
    }
    hourly: dict[str, dict[datetime, tuple[int, int]]] = {}
    for row in db.session.scalars(select(SyncHourlyCount).where(SyncHourlyCount.hour >= day_start)):
        hourly.setdefault(row.plugin, {})[as_utc(row.hour)] = (row.delivered, row.failed)
    pauses = active_pauses()
    return [
        PluginQueue(
            name=plugin,
            title=plugin_title(plugin),
            pending=states.get((plugin, EntryState.PENDING.value), 0),
            retrying=retrying.get(plugin, 0),
            in_flight=states.get((plugin, EntryState.IN_FLIGHT.value), 0),
            done_last_day=sum(delivered for delivered, _failed in hourly.get(plugin, {}).values()),
            dead=states.get((plugin, EntryState.DEAD.value), 0),
            pause=pauses.get(plugin),
            chart=hourly_chart(hourly.get(plugin, {}), now),
            batching=batching(plugin),
        )
        for plugin in queued_plugins()
    ]


@dataclass(frozen=True)
class Page:
    """One page of a long list, newest first."""

    rows: list
    number: int
    has_next: bool


PAGE_SIZE = 50


def page_of(query: Select, number: int) -> Page:
    number = max(number, 1)
    rows = list(db.session.scalars(query.limit(PAGE_SIZE + 1).offset((number - 1) * PAGE_SIZE)))
    return Page(rows[:PAGE_SIZE], number, len(rows) > PAGE_SIZE)


def dead_letters(plugin: str | None, number: int) -> Page:
    """Dead entries, the most recently given up first."""
    query = select(SyncEntry).where(SyncEntry.state == EntryState.DEAD)
    if plugin:
        query = query.where(SyncEntry.plugin == plugin)
    return page_of(query.order_by(SyncEntry.updated_at.desc(), SyncEntry.id.desc()), number)


@dataclass(frozen=True)
class RecordFilter:
    """The record list's filters; empty values do not filter."""

    plugin: str = ""
    kind: str = ""
    state: str = ""
    record_id: str = ""

    def apply(self, query: Select) -> Select:
        if self.plugin:
            query = query.where(SyncResult.plugin == self.plugin)
        if self.kind:
            query = query.where(SyncResult.kind == self.kind)
        if self.state in {state.value for state in ResultState}:
            query = query.where(SyncResult.state == ResultState(self.state))
        if self.record_id:
            query = query.where(SyncResult.record_id == self.record_id)
        return query


def record_results(filters: RecordFilter, number: int) -> Page:
    """Records' last sync results, the most recent first."""
    query = filters.apply(select(SyncResult)).order_by(SyncResult.at.desc())
    return page_of(query, number)


def kinds() -> list[str]:
    return sorted(set(db.session.scalars(select(SyncResult.kind).distinct())))


def result_states() -> Iterable[str]:
    return [state.value for state in ResultState]


def entry_of(plugin: str, kind: str, record_id: str) -> SyncEntry | None:
    return db.session.scalar(
        select(SyncEntry).where(SyncEntry.plugin == plugin, SyncEntry.kind == kind, SyncEntry.record_id == record_id)
    )
