"""Where `replyguard consume` hands events: JSON lines on stdout, or a webhook."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import BinaryIO

import aiohttp

from .consumer import DeliveryFailed, Event

log = logging.getLogger(__name__)

USER_AGENT = "replyguard-consume"


class LinePrinter:
    """Writes each event as one JSON line and flushes it before the entry is acknowledged."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out

    async def __call__(self, event: Event) -> None:
        try:
            self.out.write(event.to_json() + b"\n")
            self.out.flush()
        except OSError as exc:  # a closed pipe, a full disk: not delivered
            raise DeliveryFailed(f"cannot write the event: {exc}") from exc


class Webhook:
    """POSTs each event as JSON; only a 2xx answer counts as delivered.

    Each attempt is bounded by ``timeout``; failed attempts are retried up to ``attempts``
    times in all, waiting ``backoff``, then twice that, and so on (capped at 30 s). The
    stream entry id is sent as ``Idempotency-Key`` so the site can drop a redelivery."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        timeout: float = 10.0,
        attempts: int = 5,
        backoff: float = 0.5,
        stop: asyncio.Event | None = None,
    ) -> None:
        self.session = session
        self.url = url
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.attempts = attempts
        self.backoff = backoff
        self.stop = stop or asyncio.Event()

    async def __call__(self, event: Event) -> None:
        wait = self.backoff
        problem = ""
        for attempt in range(1, self.attempts + 1):
            problem = await self._post(event)
            if not problem:
                return
            log.warning(
                "webhook attempt failed",
                extra={"entry": event.entry, "attempt": attempt, "reason": problem},
            )
            if attempt == self.attempts or await self._stopped_within(wait):
                break
            wait = min(wait * 2, 30.0)
        raise DeliveryFailed(f"webhook: {problem}")

    async def _post(self, event: Event) -> str:
        """An empty string on a 2xx answer, else what went wrong."""
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Idempotency-Key": event.entry,
            "X-Replyguard-Event": event.event,
        }
        try:
            async with self.session.post(
                self.url,
                data=event.to_json(),
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
            ) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return ""
                return f"HTTP {response.status}"
        except TimeoutError:
            return f"no answer within {self.timeout.total} s"
        except aiohttp.ClientError as exc:
            return f"{type(exc).__name__}: {exc}"

    async def _stopped_within(self, seconds: float) -> bool:
        """Wait between attempts, but give up at once when the consumer is asked to stop."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), seconds)
        return self.stop.is_set()
