"""The built wheel carries what the service needs at run time: Lua scripts and the model."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_contents(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("replyguard-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for script in (ROOT / "service" / "lua").glob("*.lua"):
        assert f"service/lua/{script.name}" in names
    assert "service/bench/post.lua" in names
    for shipped in (ROOT / "classifier" / "models").iterdir():
        assert f"classifier/models/{shipped.name}" in names
    assert not any(name.startswith("tests/") for name in names)
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA")))
    assert "License-Expression: MIT" in metadata.decode()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert (
        "replyguard = service.__main__:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
    )
