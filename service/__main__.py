"""The `replyguard` command line (also `python -m service`)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from classifier import cli as classifier_cli
from classifier.artifact import ArtifactError

from . import consume, feedback, logs
from .embedded import EmbeddedRedisError
from .settings import Settings, load_settings


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(args.settings)


def _serve(args: argparse.Namespace) -> int:
    from .server import serve

    settings = _settings(args)
    logs.configure(settings.log_level)
    if args.workers < 1:
        raise SystemExit("replyguard serve: --workers must be at least 1")
    if args.workers > 1 and args.port == 0:
        raise SystemExit("replyguard serve: several workers need a fixed --port")
    if args.reuse_port:
        from .server import run_worker

        run_worker(settings, args.host, args.port, reuse_port=True)
        return 0
    return serve(settings, args.host, args.port, args.workers, args.settings)


def _bench(args: argparse.Namespace) -> int:
    from .bench.runner import main as bench_main

    return bench_main(args)


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand, with its options."""
    parser = argparse.ArgumentParser(
        prog="replyguard",
        description="Self-hosted, explainable spam and abuse moderation for comment forms.",
    )
    parser.add_argument(
        "--settings",
        type=Path,
        default=os.environ.get("REPLYGUARD_SETTINGS_FILE") or None,
        help="a settings file of REPLYGUARD_*=value lines; the environment takes precedence",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--workers", type=int, default=1, help="processes sharing the port")
    serve.add_argument("--reuse-port", action="store_true", help=argparse.SUPPRESS)
    serve.set_defaults(func=_serve)

    consume.register(commands)
    feedback.register(commands)
    classifier_cli.register(commands, bench=False)

    bench = commands.add_parser(
        "bench", help="load benchmark: the service against bare aiohttp, and the scoring"
    )
    from .bench.runner import add_arguments

    add_arguments(bench)
    bench.set_defaults(func=_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand and return its exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ValidationError as exc:
        print(f"replyguard: invalid configuration:\n{exc}", file=sys.stderr)
        return 2
    except (ArtifactError, EmbeddedRedisError) as exc:
        print(f"replyguard: cannot start: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
