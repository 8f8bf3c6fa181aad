"""The compiled copy of a verified model: the numbers the scorer reads, in one ``.npz`` file.

Reading the skops artifact means importing skops and scikit-learn, and ``skops.io`` imports
every scikit-learn estimator to list the types it trusts: about 1.7 of the 2 seconds a model
took to load on the development machine. The scorer needs none of it: it reads two folded
weight vectors, the featuriser's tables and four thresholds. So the first load of an artifact
goes through skops and leaves those arrays in a cache directory, under the artifact's sha256
(as Python leaves compiled modules in ``__pycache__``), and later loads read them with numpy
alone, never unpickling anything (``allow_pickle=False``).

The artifact is verified against its card (checksum, library versions) before the cache is
looked at, so the cache can only stand in for the very bytes that were verified. A copy that
is missing, unreadable or does not fit is passed over and written again; one that cannot be
written (a read-only home, say) costs only time. The folder deserves the trust the artifact
gets: whoever may write to it decides the scores, so it should be writable by the service's
user alone (as ``~/.cache`` is).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

ENV = "REPLYGUARD_MODEL_CACHE"
OFF = frozenset({"", "0", "off", "none", "false"})
# Bump when the arrays' names or meanings change, or how Scorer.load derives them from an
# artifact (folding the heads, say): copies made by older code are then never read.
# 2: a third switch, phrases_in_fields; 3: a fourth, unmask; 4: narrow word block;
# 5: the sentence embedding
VERSION = 5
KEEP = 4  # copies kept in a folder, the most recently used (each model: one; 26 MB shipped)
STALE_TMP_SECONDS = 3600.0  # a half-written copy this old was left by a process that died
COMPILE_TIMEOUT = 300.0  # seconds for a child process to verify, read and compile a model

_COPY_NAME = re.compile(r"[0-9a-f]{64}\.v[0-9]+\.npz")  # path_for's names, of any VERSION
_TMP_PREFIX = ".replyguard-model-"

log = logging.getLogger(__name__)

Tables = dict[str, NDArray[np.generic]]


def resolve(value: str | None) -> Path | None:
    """The cache directory a setting names: a folder, ``off`` for none, or unset (None) for
    ``$XDG_CACHE_HOME/replyguard/models`` (``~/.cache/replyguard/models``)."""
    if value is not None:
        return None if value.strip().lower() in OFF else Path(value).expanduser()
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no HOME and no passwd entry (a container's arbitrary user)
            log.info("no home folder: the model is read from its artifact each time")
            return None
    return Path(base) / "replyguard" / "models"


def default_dir() -> Path | None:
    """The directory ``$REPLYGUARD_MODEL_CACHE`` names (see ``resolve``)."""
    return resolve(os.environ.get(ENV))


def path_for(directory: Path, sha256: str) -> Path:
    """Where the compiled copy of the artifact with this checksum lives."""
    return directory / f"{sha256}.v{VERSION}.npz"


def read(directory: Path, sha256: str) -> Tables | None:
    """The arrays compiled from the artifact with this checksum, or None (nothing usable)."""
    path = path_for(directory, sha256)
    try:
        # Our own handle: numpy leaves its own open when the file is not what it expects.
        with path.open("rb") as handle:
            loaded = np.load(handle, allow_pickle=False)
            if not isinstance(loaded, np.lib.npyio.NpzFile):
                raise ValueError("not an .npz archive")
            with loaded as npz:
                tables: Tables = {name: npz[name] for name in npz.files}
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        log.warning("compiled model %s is unreadable (%s); reading the artifact", path, exc)
        return None
    if str(tables.get("artifact_sha256", "")) != sha256:
        log.warning("compiled model %s names another artifact; reading the artifact", path)
        return None
    with contextlib.suppress(OSError):  # "recently used", for pruning; a read-only folder is fine
        os.utime(path)
    return tables


def write(directory: Path, sha256: str, tables: Mapping[str, NDArray[np.generic]]) -> Path | None:
    """Store the arrays for the artifact with this checksum; None when the directory refuses.

    Written to a temporary name and renamed, so a reader (another worker) sees all or nothing."""
    path = path_for(directory, sha256)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=directory, prefix=_TMP_PREFIX, suffix=".tmp", delete=False
        ) as handle:
            try:
                arrays: dict[str, Any] = {"artifact_sha256": np.array(sha256), **tables}
                np.savez(handle, allow_pickle=False, **arrays)
                handle.flush()
                os.fchmod(handle.fileno(), 0o644)  # the shipped model's numbers: no secret
                os.fsync(handle.fileno())
            except BaseException:
                os.unlink(handle.name)
                raise
        os.replace(handle.name, path)
    except OSError as exc:
        log.warning("cannot write the compiled model to %s (%s); loads stay slower", path, exc)
        return None
    prune(directory, keep=path)
    return path


def compile_apart(model: Path, directory: Path, timeout: float = COMPILE_TIMEOUT) -> bool:
    """Write the compiled copy of ``model`` into ``directory`` from a child process
    (``python -m classifier compile``); True once the child has written it.

    Reading the skops artifact imports scikit-learn and skops, and what a process has taken
    for them stays taken: a worker that read the artifact itself held 286 MB, against 115 MB
    for one that read the compiled copy. A child that exits returns all of it, so a long-lived
    process compiles apart and then reads the copy like every later start."""
    command = [sys.executable, "-m", "classifier", "compile", "--model", str(model)]
    command += ["--cache", str(directory)]
    started = time.perf_counter()
    try:
        done = subprocess.run(  # noqa: S603 - our own CLI, with this interpreter
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("compiling the model in a child process failed (%s)", exc)
        return False
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()
        log.warning(
            "compiling the model in a child process failed (exit %s: %s)",
            done.returncode,
            said[-1] if said else "no message",
        )
        return False
    log.info(
        "model compiled in a child process",
        extra={"seconds": round(time.perf_counter() - started, 3)},
    )
    return True


def prune(directory: Path, keep: Path) -> list[Path]:
    """Delete all but the ``KEEP`` most recently used copies (``keep`` always stays), and
    temporary files that a dead writer left; returns what was deleted. Only files named as
    this module names them are touched: the folder may hold other things."""
    now = time.time()
    copies, removed = [], []
    for entry in directory.glob("*.npz"):
        if _COPY_NAME.fullmatch(entry.name):
            with contextlib.suppress(OSError):
                copies.append((entry.stat().st_mtime, entry))
    copies.sort(reverse=True)
    doomed = [entry for _, entry in copies if entry != keep][KEEP - 1 :]
    for entry in directory.glob(f"{_TMP_PREFIX}*.tmp"):
        with contextlib.suppress(OSError):
            if now - entry.stat().st_mtime > STALE_TMP_SECONDS:
                doomed.append(entry)
    for entry in doomed:
        with contextlib.suppress(OSError):
            entry.unlink()
            removed.append(entry)
    return removed
