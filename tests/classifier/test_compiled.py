"""The compiled copy of a model: the same scores, read only after the artifact is verified."""

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from classifier import compiled
from classifier.artifact import ArtifactError, card_paths, verify
from classifier.bench import comments
from classifier.cli import register
from classifier.scorer import CommentInput, Scorer


def _copy(model: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for source in (model, *card_paths(model)):
        shutil.copy(source, folder / source.name)
    return folder / model.name


@pytest.fixture
def blocked(tmp_path: Path) -> Path:
    """A cache "folder" that cannot hold a compiled copy: a file stands in its place."""
    path = tmp_path / "a file, not a folder"
    path.write_text("")
    return path


def _sample() -> list[CommentInput]:
    return [
        *comments(300, seed=11),
        CommentInput("Great post, thanks for sharing! Which blog platform are you using?"),
        CommentInput("You are a stupid idiot, shut up", author="x", email="x@example.org"),
        CommentInput(
            "Buy now http://cheap.example.com", author="http://seo.example", url="http://a.b"
        ),
        CommentInput("The council vote on the new road is next week."),
        CommentInput(
            "Nice article.", author="Cheap NFL Jerseys", url="http://example.com/buy-essays"
        ),
    ]


def test_the_second_load_reads_the_compiled_copy_and_scores_the_same(
    tiny_model: Path, tmp_path: Path
) -> None:
    first = Scorer.load(tiny_model, cache=tmp_path)
    card = verify(tiny_model)
    written = compiled.path_for(tmp_path, card["artifact"]["sha256"])
    assert first.source == "artifact"
    assert written.is_file()
    second = Scorer.load(tiny_model, cache=tmp_path)
    assert second.source == "compiled"
    assert second.version == first.version == card["version"]
    assert dict(second.thresholds) == dict(first.thresholds)
    assert dict(second.card) == dict(first.card)
    items = _sample()
    for size in (1, 7, 64):
        for at in range(0, len(items), size):
            batch = items[at : at + size]
            # Equal floats and equal explanations, not merely close ones.
            assert second.score(batch, explain=5) == first.score(batch, explain=5)
    assert np.array_equal(second.probabilities(items), first.probabilities(items))


def test_without_a_cache_nothing_is_written(tiny_model: Path, tmp_path: Path) -> None:
    scorer = Scorer.load(tiny_model, cache=False)
    assert scorer.source == "artifact"
    assert Scorer.load(tiny_model, cache=None).source == "artifact"
    assert list(tmp_path.iterdir()) == []


def test_the_artifact_is_verified_before_its_compiled_copy_is_used(
    tiny_model: Path, tmp_path: Path
) -> None:
    path = _copy(tiny_model, tmp_path / "model")
    cache = tmp_path / "cache"
    Scorer.load(path, cache=cache)
    assert Scorer.load(path, cache=cache).source == "compiled"
    card_path = card_paths(path)[0]
    card = json.loads(card_path.read_text())
    card["libraries"]["scikit-learn"] = "0.1"
    card_path.write_text(json.dumps(card))
    with pytest.raises(ArtifactError, match=r"scikit-learn 0\.1"):
        Scorer.load(path, cache=cache)
    shutil.copy(card_paths(tiny_model)[0], card_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="does not match its card"):
        Scorer.load(path, cache=cache)


@pytest.mark.parametrize(
    "damage", ["garbage", "truncated", "flipped byte", "other artifact", "wrong shape"]
)
def test_a_damaged_compiled_copy_is_passed_over_and_written_again(
    tiny_model: Path, tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    good = Scorer.load(tiny_model, cache=tmp_path)
    sha = str(good.card["artifact"]["sha256"])
    path = compiled.path_for(tmp_path, sha)
    whole = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"not a zip file at all")
    elif damage == "truncated":
        path.write_bytes(whole[: len(whole) // 2])
    elif damage == "flipped byte":  # inside the weights: the archive's CRC catches it
        flipped = bytearray(whole)
        flipped[len(whole) // 3] ^= 0x01
        path.write_bytes(bytes(flipped))
    elif damage == "other artifact":
        compiled.write(tmp_path, "0" * 64, good.tables())
        path.write_bytes(compiled.path_for(tmp_path, "0" * 64).read_bytes())
    else:
        tables = good.tables()
        tables["weights"] = tables["weights"][:-1]
        compiled.write(tmp_path, sha, tables)
    with caplog.at_level(logging.WARNING, logger="classifier.compiled"):
        again = Scorer.load(tiny_model, cache=tmp_path)
    assert again.source == "artifact"
    assert caplog.records, "a passed-over copy is logged"
    assert path.read_bytes() != b"not a zip file at all"
    rewritten = Scorer.load(tiny_model, cache=tmp_path)
    assert rewritten.source == "compiled"
    items = _sample()[:40]
    assert rewritten.score(items, explain=3) == good.score(items, explain=3)


def test_a_cache_that_cannot_be_written_costs_only_time(
    tiny_model: Path, blocked: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="classifier.compiled"):
        scorer = Scorer.load(tiny_model, cache=blocked)
    assert scorer.source == "artifact"
    assert any("cannot write the compiled model" in r.getMessage() for r in caplog.records)
    assert scorer.score([CommentInput("Thanks for the article.")])[0].spam >= 0


def test_the_cache_folder_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for off in ("off", "OFF", "", "none", "0"):
        assert compiled.resolve(off) is None
    assert compiled.resolve(str(tmp_path)) == tmp_path
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert compiled.resolve(None) == tmp_path / "xdg" / "replyguard" / "models"
    monkeypatch.delenv("XDG_CACHE_HOME")

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    # A container's arbitrary user: no HOME, no passwd entry. No cache, and no crash.
    monkeypatch.setattr(Path, "home", no_home)
    assert compiled.resolve(None) is None
    monkeypatch.setenv(compiled.ENV, "off")
    assert compiled.default_dir() is None
    monkeypatch.setenv(compiled.ENV, str(tmp_path / "mine"))
    assert compiled.default_dir() == tmp_path / "mine"


def test_compile_command_writes_the_copy_a_load_then_reads(
    tiny_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(), bench=False)
    args = parser.parse_args(["compile", "--model", str(tiny_model), "--cache", str(tmp_path)])
    assert args.func(args) == 0
    sha = verify(tiny_model)["artifact"]["sha256"]
    assert str(compiled.path_for(tmp_path, sha)) in capsys.readouterr().out
    assert Scorer.load(tiny_model, cache=tmp_path).source == "compiled"
    off = parser.parse_args(["compile", "--model", str(tiny_model), "--cache", "off"])
    assert off.func(off) == 1
    assert "no folder to compile into" in capsys.readouterr().err


def test_a_process_loading_the_compiled_shipped_model_imports_no_scikit_learn(
    tmp_path: Path,
) -> None:
    code = (
        "import sys\n"
        "from classifier.scorer import CommentInput, Scorer\n"
        "scorer = Scorer.load()\n"
        "spam = scorer.score([CommentInput('Check out my channel, subscribe!')])[0].spam\n"
        "heavy = sorted(m for m in ('sklearn', 'scipy', 'skops') if m in sys.modules)\n"
        "print(scorer.source, ','.join(heavy) or '-', repr(spam))\n"
    )
    env = {**os.environ, compiled.ENV: str(tmp_path)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.split()
        for _ in range(2)
    ]
    assert runs[0][:2] == ["artifact", "scipy,sklearn,skops"]
    assert runs[1][:2] == ["compiled", "-"]
    assert runs[0][2] == runs[1][2]  # the same score, to the last digit


def test_a_load_apart_has_a_child_compile_the_model_and_imports_no_scikit_learn(
    tiny_model: Path, tmp_path: Path
) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from classifier.scorer import CommentInput, Scorer\n"
        "scorer = Scorer.load(Path(sys.argv[1]), cache=Path(sys.argv[2]), apart=True)\n"
        "spam = scorer.score([CommentInput('Check out my channel, subscribe!')])[0].spam\n"
        "heavy = sorted(m for m in ('sklearn', 'scipy', 'skops') if m in sys.modules)\n"
        "print(scorer.source, ','.join(heavy) or '-', repr(spam))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(tiny_model), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert run[:2] == ["compiled", "-"]
    sha = verify(tiny_model)["artifact"]["sha256"]
    assert compiled.path_for(tmp_path, sha).is_file()
    here = Scorer.load(tiny_model, cache=False)  # the artifact, read in this process
    assert run[2] == repr(here.score([CommentInput("Check out my channel, subscribe!")])[0].spam)


def test_a_load_apart_reads_the_artifact_itself_when_the_child_fails(
    tiny_model: Path, blocked: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="classifier.compiled"):
        scorer = Scorer.load(tiny_model, cache=blocked, apart=True)
    assert scorer.source == "artifact"
    said = [r.getMessage() for r in caplog.records]
    failed = [m for m in said if "in a child process failed" in m]
    assert len(failed) == 1
    assert "exit 1: error: cannot write into" in failed[0]


def test_prepare_compiles_a_missing_copy_once_and_stops_at_a_model_that_does_not_verify(
    tiny_model: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    with caplog.at_level(logging.INFO, logger="classifier.compiled"):
        Scorer.prepare(tiny_model, cache)
        Scorer.prepare(tiny_model, cache)  # the copy is there: nothing to do
    made = [r for r in caplog.records if r.getMessage() == "model compiled in a child process"]
    assert len(made) == 1
    assert Scorer.load(tiny_model, cache=cache).source == "compiled"
    Scorer.prepare(tiny_model, None)  # no folder: only the check
    path = _copy(tiny_model, tmp_path / "model")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="does not match its card"):
        Scorer.prepare(path, cache)


def test_the_folder_keeps_the_most_recently_used_copies(tmp_path: Path) -> None:
    tables = {"weights": np.zeros(3)}
    shas = [f"{i:064x}" for i in range(compiled.KEEP + 2)]
    for order, sha in enumerate(reversed(shas)):  # shas[0] written last, shas[-1] first
        written = compiled.write(tmp_path, sha, tables)
        assert written is not None
        used = 1_000_000 + order * 100
        os.utime(written, (used, used))
    oldest = shas[-1]
    # Pruning runs on every write: only KEEP copies are left, the newest ones.
    left = {p.name for p in tmp_path.glob("*.npz")}
    assert left == {compiled.path_for(tmp_path, s).name for s in shas[: compiled.KEEP]}
    # Reading a copy counts as using it: it outlives copies written after it.
    assert compiled.read(tmp_path, shas[compiled.KEEP - 1]) is not None
    stale = tmp_path / ".replyguard-model-dead-writer.tmp"
    stale.write_bytes(b"half")
    fresh = tmp_path / ".replyguard-model-live-writer.tmp"
    fresh.write_bytes(b"half")
    # Files the folder holds besides: never touched, however old.
    others = [tmp_path / "someone-elses.npz", tmp_path / "notes.tmp"]
    for other in (stale, *others):
        other.write_bytes(b"x")
        os.utime(other, (1, 1))
    assert compiled.write(tmp_path, oldest, tables) is not None
    left = {p.name for p in tmp_path.iterdir()}
    assert compiled.path_for(tmp_path, oldest).name in left
    assert compiled.path_for(tmp_path, shas[compiled.KEEP - 1]).name in left
    assert len([n for n in left if n.endswith(f".v{compiled.VERSION}.npz")]) == compiled.KEEP
    assert stale.name not in left
    assert fresh.name in left
    assert {other.name for other in others} <= left
