"""The ``score`` command's JSON Lines contract, through the real entry point."""

import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from classifier import bench, cli, lexicon


def _run(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "classifier", "score", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_score_lines_in_order(tiny_model: Path) -> None:
    lines = [
        json.dumps({"comment": "buy cheap pills http://x.example.com", "author": "a"}),
        json.dumps({"comment": "thanks for the article", "email": "a@b.org", "url": None}),
    ]
    done = _run("\n".join(lines) + "\n", "--model", str(tiny_model))
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == 2
    assert out[0]["spam"] > out[1]["spam"]
    assert all(0 <= r["spam"] <= 1 and 0 <= r["abuse"] <= 1 for r in out)


def test_explain_adds_contributions(tiny_model: Path) -> None:
    done = _run('{"comment": "buy cheap pills"}\n', "--model", str(tiny_model), "--explain", "3")
    record = json.loads(done.stdout)
    assert "spam_top" in record
    assert len(record["spam_top"]) <= 3
    assert all(set(c) == {"feature", "weight"} for c in record["spam_top"])


def test_malformed_line_names_its_number(tiny_model: Path) -> None:
    done = _run('{"comment": "fine"}\n{"comment": 5}\n', "--model", str(tiny_model))
    assert done.returncode != 0
    assert "line 2" in done.stderr
    assert "Traceback" not in done.stderr
    done = _run('{"comment": "fine"}\nnot json\n', "--model", str(tiny_model))
    assert done.returncode != 0
    assert "line 2" in done.stderr
    assert "Traceback" not in done.stderr


def test_lines_before_a_malformed_one_are_still_answered(tiny_model: Path) -> None:
    good = json.dumps({"comment": "thanks for the article"})
    done = _run(f"{good}\n{good}\n\n{good}\n", "--model", str(tiny_model))
    assert done.returncode != 0
    assert "line 3: empty line" in done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == 2
    assert all(set(r) == {"spam", "abuse"} for r in out)


def test_broken_model_is_a_clear_error(tmp_path: Path) -> None:
    done = _run('{"comment": "x"}\n', "--model", str(tmp_path / "none.skops"))
    assert done.returncode != 0
    assert "missing" in done.stderr
    assert "Traceback" not in done.stderr


def test_training_without_the_word_list_package_is_a_clear_error(
    tiny_datasets: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def missing(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    lexicon.load_words.cache_clear()
    try:
        code = cli.main(
            ["train", "--datasets", str(tiny_datasets), "--out", str(tmp_path / "m.skops")]
        )
    finally:
        lexicon.load_words.cache_clear()
    assert code == 1
    assert "replyguard[train]" in capsys.readouterr().err
    assert not (tmp_path / "m.skops").exists()


def test_training_without_every_source_of_a_head_is_a_clear_error(
    tiny_datasets: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "m.skops"
    common = ["train", "--datasets", str(tiny_datasets), "--out", str(out)]
    both = ["--without", "youtube-spam-collection", "--without", "sms-spam-collection"]
    assert cli.main([*common, *both]) == 1
    assert "the spam head needs one of its datasets" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        cli.main([*common, "--without", "imdb"])
    assert exc.value.code == 2
    assert "invalid choice: 'imdb'" in capsys.readouterr().err
    assert not out.exists()


def test_scoring_bench_measures_a_model_given_by_path(
    tiny_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    figures = bench.run(tiny_model, seconds=0.01, batch=16)
    for name in ("replyguard", "reference"):
        assert figures[f"{name}.p50_ms"] > 0
        assert figures[f"{name}.batch_per_s"] > 0
        assert figures[f"{name}.load_s"] > 0
        assert figures[f"{name}.rss_mib"] > 10  # a Python process with numpy loaded
    out = capsys.readouterr().out
    assert "batches of 16" in out
    # The longest comments, one per kind of token, each timed and printed against plain words.
    assert all(figures[f"longest.{kind}.ms"] > 0 for kind in bench.CRAFTED)
    assert f"one comment of {bench.LONGEST:,} bytes" in out
    assert "memory held after" in out
    assert "longest.held_mib" in figures
    assert out.count("x\n") >= len(bench.CRAFTED)


def test_the_longest_crafted_comments_are_as_long_as_a_comment_may_be() -> None:
    for i, make in enumerate(bench.CRAFTED.values()):
        text = bench._longest(make, seed=i)
        assert len(text.encode()) == bench.LONGEST


def test_a_reader_that_stops_early_ends_it_quietly(tiny_model: Path, tmp_path: Path) -> None:
    # `replyguard score < comments.jsonl | head -n 1`: no traceback when head closes the pipe.
    comments = tmp_path / "comments.jsonl"
    lines = (json.dumps({"comment": f"Thanks for report number {i}"}) for i in range(5000))
    comments.write_text("\n".join(lines) + "\n")
    err, status = tmp_path / "err", tmp_path / "status"
    shown = subprocess.run(
        [
            "bash",
            "-c",
            f'"{sys.executable}" -m classifier score --model "{tiny_model}" < "{comments}" '
            f'2> "{err}" | head -n 1; echo "${{PIPESTATUS[0]}}" > "{status}"',
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert set(json.loads(shown.stdout)) == {"spam", "abuse"}
    assert err.read_text() == ""
    assert status.read_text().strip() == "141"


def test_a_site_may_train_a_model_without_the_embedding(
    tiny_datasets: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import classifier.build

    asked: list[Any] = []

    def train_and_write(datasets: Path, out: Path, settings: Any, feedback: Any) -> dict[str, str]:
        asked.append(settings)
        return {"version": "test"}

    monkeypatch.setattr(classifier.build, "train_and_write", train_and_write)
    common = ["train", "--datasets", str(tiny_datasets), "--out", str(tmp_path / "m.skops")]
    assert cli.main(common) == 0
    assert cli.main([*common, "--embedding-scale", "0", "--without", "olid-train"]) == 0
    assert [s.embedding_scale for s in asked] == [0.5, 0.0]
    assert asked[1].without == ("olid-train",)
    for bad in ("-1", "nan", "half"):
        with pytest.raises(SystemExit) as exc:
            cli.main([*common, "--embedding-scale", bad])
        assert exc.value.code == 2
    assert "--embedding-scale" in capsys.readouterr().err
