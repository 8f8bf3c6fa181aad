"""The model artifact: a skops file, verified by checksum and library versions, with its card."""

from __future__ import annotations

import hashlib
import json
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

CARD_JSON = ".card.json"
CARD_MD = ".card.md"
FORMAT = 2  # 2: NB ratios folded into the members' coefficients
SHIPPED = Path(__file__).resolve().parent / "models" / "model.skops"

# Everything the artifact may contain besides builtins; anything else refuses to load.
TRUSTED_TYPES = [
    "sklearn.linear_model._logistic.LogisticRegression",
    "numpy.dtype",
    "numpy.ndarray",
    "numpy.core.multiarray._reconstruct",
    "numpy.float64",
    "numpy.int64",
]


class ArtifactError(Exception):
    """The model artifact is missing, altered, or made for other library versions."""


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def card_paths(path: Path) -> tuple[Path, Path]:
    """(JSON card, Markdown card) next to an artifact."""
    return path.with_suffix(CARD_JSON), path.with_suffix(CARD_MD)


def library_versions() -> dict[str, str]:
    """The versions an artifact is bound to, read from the installed packages' metadata: the
    compiled copy (``classifier.compiled``) is checked against them without importing
    scikit-learn or skops."""
    return {
        "scikit-learn": metadata.version("scikit-learn"),
        "numpy": np.__version__,
        "skops": metadata.version("skops"),
    }


def save(data: dict[str, Any], path: Path, card: dict[str, Any], markdown: str) -> dict[str, Any]:
    """Write the artifact, then its card with the artifact's checksum; returns the card."""
    import skops.io as sio  # imports every scikit-learn estimator: only where it is needed

    path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump({"format": FORMAT, **data}, path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    digest = sha256_file(path)
    card = {
        **card,
        "artifact": {"file": path.name, "sha256": digest, "bytes": path.stat().st_size},
        "libraries": library_versions(),
        "version": f"{card['date']}-{digest[:8]}",
    }
    json_path, md_path = card_paths(path)
    json_path.write_text(json.dumps(card, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    md_path.write_text(markdown.replace("{version}", card["version"]), encoding="utf-8")
    return card


def read_card(path: Path) -> dict[str, Any]:
    """The JSON card next to an artifact."""
    json_path = card_paths(path)[0]
    try:
        card = json.loads(json_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArtifactError(f"model card {json_path} is missing") from None
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"model card {json_path} is unreadable: {exc}") from exc
    if not isinstance(card, dict):
        raise ArtifactError(f"model card {json_path} is not a JSON object")
    return card


def verify(path: Path) -> dict[str, Any]:
    """Check checksum and library versions of an artifact; returns its card."""
    if not path.is_file():
        raise ArtifactError(f"model artifact {path} is missing")
    card = read_card(path)
    expected = card.get("artifact", {}).get("sha256")
    actual = sha256_file(path)
    if expected != actual:
        raise ArtifactError(
            f"model artifact {path} does not match its card: sha256 {actual} != {expected}; "
            "the file was altered or belongs to another card"
        )
    built = card.get("libraries", {})
    here = library_versions()
    if built.get("scikit-learn") != here["scikit-learn"]:
        raise ArtifactError(
            f"model artifact {path} was trained with scikit-learn {built.get('scikit-learn')}, "
            f"but {here['scikit-learn']} is installed; install that version or retrain"
        )
    if str(built.get("numpy", "")).split(".")[0] != here["numpy"].split(".")[0]:
        raise ArtifactError(
            f"model artifact {path} was trained with numpy {built.get('numpy')}, "
            f"but {here['numpy']} is installed (major versions differ); retrain"
        )
    return card


def load(path: Path, card: dict[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(artifact data, card) after verification (pass the card ``verify`` returned to skip
    doing it again); only trusted types are ever constructed."""
    import skops.io as sio  # imports every scikit-learn estimator: only where it is needed

    if card is None:
        card = verify(path)
    try:
        untrusted = [t for t in sio.get_untrusted_types(file=path) if t not in TRUSTED_TYPES]
        if untrusted:
            raise ArtifactError(f"model artifact {path} holds untrusted types: {untrusted}")
        data = sio.load(path, trusted=TRUSTED_TYPES)
    except ArtifactError:
        raise
    except Exception as exc:
        raise ArtifactError(f"model artifact {path} cannot be read: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ArtifactError(f"model artifact {path} is not a format {FORMAT} replyguard model")
    return data, card
