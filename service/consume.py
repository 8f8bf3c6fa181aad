"""`replyguard consume`: deliver the approved stream to the site, at least once."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import re
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import logs
from .settings import Settings, load_settings

log = logging.getLogger(__name__)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _not_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise argparse.ArgumentTypeError("must be an http:// or https:// URL")
    return value


def register(subparsers: Any) -> None:
    """Add ``consume`` to an argparse subparsers object."""
    p = subparsers.add_parser(
        "consume",
        help="deliver the approved stream to the site: JSON lines on stdout, or a webhook",
        description="Reads the approved stream through a consumer group and acknowledges each "
        "entry only once it was printed (or its webhook answered 2xx). Entries another "
        "consumer left pending longer than --claim-idle-ms are taken over. Reads "
        "REPLYGUARD_REDIS_URL, else the embedded Redis of a `replyguard serve` running on the "
        "same REPLYGUARD_DATA_DIR.",
    )
    p.add_argument("--group", default="site", help="consumer group (default: site)")
    p.add_argument(
        "--consumer",
        default=f"{socket.gethostname()}-{os.getpid()}",
        help="this consumer's name in the group (default: hostname-pid)",
    )
    p.add_argument(
        "--batch", type=_positive, default=100, help="entries read at a time (default: 100)"
    )
    p.add_argument(
        "--block-ms",
        type=_positive,
        default=5000,
        help="how long one read waits for new entries (default: 5000)",
    )
    p.add_argument(
        "--claim-idle-ms",
        type=_not_negative,
        default=60_000,
        help="take over entries pending this long under another consumer (default: 60000)",
    )
    p.add_argument("--once", action="store_true", help="deliver what is there, then exit")
    p.add_argument("--webhook", type=_http_url, metavar="URL", help="POST each event here")
    p.add_argument(
        "--webhook-timeout", type=float, default=10.0, help="seconds per attempt (default: 10)"
    )
    p.add_argument(
        "--webhook-attempts",
        type=_positive,
        default=5,
        help="attempts per event, with growing waits, before the consumer pauses (default: 5)",
    )
    p.set_defaults(func=_consume)


def embedded_url(data_dir: Path) -> str | None:
    """The URL of the embedded Redis that `replyguard serve` runs under ``data_dir``, if any.

    Read from the redis.conf and redis.pid that service.embedded.EmbeddedRedis writes."""
    try:
        pid = int((data_dir / "redis.pid").read_text().strip())
        os.kill(pid, 0)
        conf = (data_dir / "redis.conf").read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None
    sock = re.search(r'^unixsocket "(.+)"$', conf, re.MULTILINE)
    if sock:
        return f"unix://{sock.group(1)}"
    port = re.search(r"^port (\d+)$", conf, re.MULTILINE)
    if port and int(port.group(1)) > 0:
        return f"redis://127.0.0.1:{port.group(1)}/0"
    return None


def redis_to_read(settings: Settings, command: str) -> str | None:
    """REPLYGUARD_REDIS_URL, else the embedded Redis of a running `replyguard serve`; None
    (and why, on stderr) when there is neither."""
    url = settings.redis_url or embedded_url(settings.data_dir)
    if url is None:
        print(
            f"replyguard {command}: no Redis to read from. Set REPLYGUARD_REDIS_URL to the Redis "
            "that `replyguard serve` uses, or run it where `replyguard serve` runs its embedded "
            f"Redis, with the same REPLYGUARD_DATA_DIR (none is running under "
            f"{settings.data_dir.resolve()}).",
            file=sys.stderr,
        )
    return url


def _consume(args: argparse.Namespace) -> int:
    settings = load_settings(args.settings)
    logs.configure(settings.log_level)
    url = redis_to_read(settings, "consume")
    if url is None:
        return 2
    return asyncio.run(_run(settings, url, args))


@contextlib.asynccontextmanager
async def _handler(args: argparse.Namespace, stop: asyncio.Event) -> AsyncIterator[Any]:
    if args.webhook is None:
        from .delivery import LinePrinter

        yield LinePrinter(sys.stdout.buffer)
        return
    import aiohttp

    from .delivery import USER_AGENT, Webhook

    async with aiohttp.ClientSession(headers={"User-Agent": USER_AGENT}) as session:
        yield Webhook(session, args.webhook, args.webhook_timeout, args.webhook_attempts, stop=stop)


async def _run(settings: Settings, url: str, args: argparse.Namespace) -> int:
    from redis.asyncio import ConnectionPool, Redis

    from .consumer import Consumer, ConsumerOptions
    from .keys import Keys
    from .redisclient import pool_options
    from .streamgroup import StreamGroup

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    options = ConsumerOptions(
        args.group, args.consumer, args.batch, args.block_ms, args.claim_idle_ms
    )
    # A blocking read must not be mistaken for a dead connection.
    client = Redis.from_pool(
        ConnectionPool(
            **pool_options(
                url,
                socket_timeout=args.block_ms / 1000 + settings.redis_timeout,
                socket_connect_timeout=settings.redis_timeout,
                health_check_interval=30,
            )
        )
    )
    stream = Keys(settings.key_prefix).approved_stream()
    log.info(
        "consuming",
        extra={"stream": stream, "group": args.group, "consumer": args.consumer},
    )
    try:
        async with _handler(args, stop) as handler:
            consumer = Consumer(
                StreamGroup(client, stream, args.group, args.consumer), options, handler, stop
            )
            delivered_all = await consumer.run(once=args.once)
            await consumer.close()
    finally:
        await client.aclose()
    log.info("consumer stopped", extra=consumer.tally.as_dict())
    return 0 if delivered_all else 1
