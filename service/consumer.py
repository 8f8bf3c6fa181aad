"""At-least-once delivery of the approved stream: acknowledge after success, claim the dead's."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from .errors import StoreUnavailable
from .streamgroup import Entry, GroupMissing, StreamGroup

log = logging.getLogger(__name__)

_FIRST_PAUSE = 0.5
_MAX_PAUSE = 30.0


class DeliveryFailed(Exception):
    """A handler could not deliver an event; the entry stays pending and comes back later."""


@dataclass(frozen=True, slots=True)
class Event:
    """One approved-stream entry as the site receives it."""

    entry: str
    event: str
    id: str
    comment: Any

    @classmethod
    def from_entry(cls, entry: Entry) -> Event:
        fields = entry.fields
        raw = fields.get(b"comment", b"")
        try:
            comment = orjson.loads(raw) if raw else None
        except orjson.JSONDecodeError:
            comment = raw.decode(errors="replace")
        return cls(
            entry=entry.id,
            event=fields.get(b"event", b"").decode(errors="replace"),
            id=fields.get(b"id", b"").decode(errors="replace"),
            comment=comment,
        )

    def to_json(self) -> bytes:
        """``{"entry", "event", "id", "comment"}``: the stream entry id doubles as a delivery id."""
        return orjson.dumps(
            {"entry": self.entry, "event": self.event, "id": self.id, "comment": self.comment}
        )


Handler = Callable[[Event], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class ConsumerOptions:
    """How one consumer reads: its group and name, batch size and waiting times."""

    group: str
    consumer: str
    batch: int = 100
    block_ms: int = 5000
    claim_idle_ms: int = 60_000


@dataclass(slots=True)
class Tally:
    """What a run did."""

    delivered: int = 0
    claimed: int = 0
    failed: int = 0
    skipped: int = 0  # entries erased from the stream before they could be delivered

    def as_dict(self) -> dict[str, int]:
        return {
            "delivered": self.delivered,
            "claimed": self.claimed,
            "failed": self.failed,
            "skipped": self.skipped,
        }


@dataclass(slots=True)
class _Sweep:
    cursor: str = "0-0"
    due: float = 0.0
    done_once: bool = False


@dataclass(slots=True)
class Consumer:
    """Reads its own pending entries first, then entries idle elsewhere, then new ones."""

    group: StreamGroup
    options: ConsumerOptions
    handler: Handler
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    tally: Tally = field(default_factory=Tally)
    _sweep: _Sweep = field(default_factory=_Sweep)
    _needs_group: bool = True

    async def run(self, once: bool = False) -> bool:
        """Deliver until stopped (or, with ``once``, until nothing is left).

        Returns False if, with ``once``, an entry could not be delivered or Redis failed."""
        pause = _FIRST_PAUSE
        while not self.stop.is_set():
            outcome = await self._step(once)
            if outcome == "idle" and once:
                return True
            if outcome != "failed":
                pause = _FIRST_PAUSE
                continue
            if once:
                return False
            await self._pause(pause)
            pause = min(pause * 2, _MAX_PAUSE)
        return True

    async def _step(self, once: bool) -> str:
        """One batch: "delivered", "idle" (nothing to do) or "failed" (try again later)."""
        try:
            if self._needs_group:
                if await self.group.create():
                    log.info("consumer group created", extra={"group": self.options.group})
                self._needs_group = False
            entries = await self._next(block_ms=None if once else self.options.block_ms)
            if entries is None:
                return "idle"
            return "delivered" if await self._deliver(entries) else "failed"
        except GroupMissing:
            log.warning("consumer group missing; creating it again")
            self._needs_group = True
            return "delivered"
        except StoreUnavailable as exc:
            log.warning("redis unavailable", extra={"reason": exc.message})
            return "failed"

    async def _next(self, block_ms: int | None) -> list[Entry] | None:
        """The next batch to deliver; None when there is nothing (after a full claim sweep)."""
        own = await self.group.own_pending(self.options.batch)
        if own:
            return own
        sweep = self._sweep
        if time.monotonic() >= sweep.due:
            claimed = await self.group.claim(
                self.options.claim_idle_ms, sweep.cursor, self.options.batch
            )
            sweep.cursor = claimed.cursor
            if claimed.sweep_done:
                sweep.cursor, sweep.done_once = "0-0", True
                sweep.due = time.monotonic() + max(self.options.claim_idle_ms / 2000, 0.1)
            if claimed.entries:
                self.tally.claimed += len(claimed.entries)
                log.info("claimed idle entries", extra={"count": len(claimed.entries)})
                return claimed.entries
            if not claimed.sweep_done:
                return []
        fresh = await self._read_new(block_ms)
        if fresh:
            return fresh
        return None if sweep.done_once else []

    async def _read_new(self, block_ms: int | None) -> list[Entry]:
        """New entries, waiting for them unless asked to stop meanwhile. An entry handed over
        by a read cut short this way stays pending under this consumer, to be claimed later."""
        if block_ms is None:
            return await self.group.new(self.options.batch, None)
        read = asyncio.ensure_future(self.group.new(self.options.batch, block_ms))
        stopping = asyncio.ensure_future(self.stop.wait())
        try:
            await asyncio.wait((read, stopping), return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            if not read.done():
                read.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await read
        return [] if read.cancelled() else read.result()

    async def _deliver(self, entries: list[Entry]) -> bool:
        """Hand each entry to the handler and acknowledge it; stop at the first failure."""
        for entry in entries:
            if self.stop.is_set():
                return True  # the rest stays pending under this consumer's name
            if not entry.fields:
                await self.group.ack(entry.id)
                self.tally.skipped += 1
                continue
            try:
                await self.handler(Event.from_entry(entry))
            except DeliveryFailed as exc:
                self.tally.failed += 1
                log.warning("delivery failed", extra={"entry": entry.id, "reason": str(exc)})
                return False
            await self.group.ack(entry.id)
            self.tally.delivered += 1
        return True

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), seconds)

    async def close(self) -> None:
        """Leave the group if nothing is pending under this name, so names do not pile up."""
        with contextlib.suppress(StoreUnavailable):
            await self.group.forget_consumer()
