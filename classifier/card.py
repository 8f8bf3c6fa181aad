"""The model card: what a trained model is, what it was trained on, and how well it does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from classifier import provenance, spamphrases, static
from classifier.artifact import sha256_file
from classifier.datasets import LOADERS, SOURCES
from classifier.fairness import BIAS, JIGSAW
from classifier.lexicon import SOURCE_FILE, SOURCE_PACKAGE, digest, source_version
from classifier.signals import SIGNAL_NAMES
from classifier.train import Trained

THRESHOLD_MEANING = {
    "spam_hold": "above this a comment is held for a moderator (high recall on spam)",
    "spam": "above this a comment is marked spam outright (high precision at the assumed "
    "base rate)",
    "abuse_hold": "above this a comment is held for a moderator (high recall on abuse)",
    "abuse_reject": "above this a comment is rejected outright (very high precision at the "
    "assumed base rate)",
}

# The datasets only the checks read (classifier.fairness): scored, never trained on.
CHECK_SETS = (BIAS, JIGSAW)

INTENDED_USE = [
    "Scores comments posted to a site's own comment forms, in English, so that replyguard can "
    "approve, hold for a moderator, mark spam or reject them; every decision it takes alone is "
    "one a moderator can review and reverse. It is not meant to judge people, nor to act "
    "without a moderator queue behind it.",
    "Known limits (classifier/README.md): the spam head learnt its words from YouTube and SMS "
    "messages and leans on chat vocabulary; identity words are dropped from the text before "
    "scoring, so the heads neither learn nor judge them; on Davidson's tweets "
    "alt-profanity-check, which was trained on them, still ranks slightly better; other "
    "languages are not modelled.",
    "Sites whose comments differ retrain on their own moderators' decisions "
    "(replyguard feedback, then replyguard train --feedback).",
]


def dataset_hashes(root: Path) -> dict[str, str]:
    """sha256 of every data file the loaders read, and of test-rows.csv."""
    files = [root / "test-rows.csv"]
    for name in LOADERS:
        files += sorted(
            p
            for p in (root / name).iterdir()
            if p.is_file()
            and p.suffix in {".csv", ".tsv", ""}
            and p.name not in {"README.txt", "readme"}
        )
    return {str(p.relative_to(root)): sha256_file(p) for p in files}


def build(
    trained: Trained, root: Path, metrics: dict[str, Any], feedback: Path | None = None
) -> dict[str, Any]:
    """The card as data (the artifact section is added when the file is written); ``feedback``:
    the site's corrections it was also trained on, named by file name and sha256."""
    hasher = trained.featuriser.hasher
    datasets = dataset_hashes(root)
    if feedback is not None:
        datasets[f"feedback: {feedback.name}"] = sha256_file(feedback)
    return {
        "name": "replyguard spam and abuse heads",
        "date": dt.datetime.now(dt.UTC).strftime("%Y%m%d"),
        "datasets": datasets,
        "data_sources": provenance.card_section(
            provenance.uses(
                {task.value: names for task, names in SOURCES.items()},
                trained.settings.negatives,
                CHECK_SETS,
                trained.settings.without,
            )
        ),
        "training_rows": trained.rows,
        "settings": trained.settings_data(),
        "features": {
            "normalisation": "classifier.text.normalise (NFKC, look-alikes, zero-width, "
            "entities, tags, url/e-mail/mention/number placeholders, "
            + ("masked swear words, " if trained.featuriser.unmask else "")
            + "leetspeak, identity words, repeated letters)",
            "char_ngrams": {
                "range": list(hasher.char_range),
                "columns": 1 << hasher.char_bits,
                "within_words": True,
            },
            "word_ngrams": {"range": list(hasher.word_range), "columns": 1 << hasher.word_bits},
            "narrow_word_ngrams": {
                "columns": trained.featuriser.view_width,
                "read_by": sorted(trained.settings.own_words),
                "weighting": "counted, IDF-weighted and scaled at their own width",
            }
            if trained.featuriser.view_bits
            else None,
            "weighting": "sublinear TF x IDF, unit length per block",
            "signals": list(SIGNAL_NAMES),
            "abusive_words": {
                "source": f"{SOURCE_PACKAGE} {source_version()} ({SOURCE_FILE}, MIT licence)"
                " and classifier.lexicon.EXTRA_WORDS, less identity words and"
                " classifier.lexicon.NOT_ABUSIVE, and the phrases of"
                " classifier.lexicon.EXTRA_PHRASES",
                "count": len(trained.featuriser.abusive_words),
                "sha256": digest(trained.featuriser.abusive_words),
            }
            if trained.featuriser.abusive_words
            else None,
            "spam_phrases": {
                "source": "classifier.spamphrases.SPAM_PHRASES",
                "count": len(trained.featuriser.spam_phrases),
                "sha256": spamphrases.digest(trained.featuriser.spam_phrases),
                "looked_for_in": ["comment", "author name", "website address"]
                if trained.featuriser.phrases_in_fields
                else ["comment"],
            }
            if trained.featuriser.spam_phrases
            else None,
            "sentence_embedding": {
                **static.about(),
                "scale": trained.featuriser.embedding_scale,
                "read_as": "mean of the word-piece vectors of the comment's normalised text "
                "(identity words dropped) at unit length, less the training comments' mean, "
                "times the scale, as dense columns after the signals (classifier.static)",
            }
            if trained.featuriser.embedding is not None
            else None,
        },
        "signal_weights": signal_weights(trained),
        "thresholds": trained.thresholds,
        "threshold_meaning": THRESHOLD_MEANING,
        "metrics": metrics,
    }


def signal_weights(trained: Trained) -> dict[str, dict[str, Any]]:
    """Each form signal's learnt weight per head (logit per unit above the training mean), and
    whether any training row had it at all: a signal no training row shows keeps weight 0."""
    featuriser = trained.featuriser
    at = featuriser.n_features - featuriser.dense_width
    folded = {task.value: head.folded()[0][at:] for task, head in trained.heads.items()}
    table: dict[str, dict[str, Any]] = {}
    for i, name in enumerate(SIGNAL_NAMES):
        mean = float(featuriser.signal_mean[i])
        row: dict[str, Any] = {head: float(weights[i]) for head, weights in folded.items()}
        row["training_mean"] = mean
        row["in_training_data"] = mean != 0.0
        table[name] = row
    return table


# Printed under the metrics section they speak of.
SECTION_NOTES = {
    "abuse vs alt-profanity-check (test rows)": (
        "Note: alt-profanity-check was trained on every row of the Davidson set (its README "
        "names t-davidson/hate-speech-and-offensive-language as one of its two sources), test "
        "rows included, so its Davidson figure is measured on its own training data; on OLID "
        "and Wikipedia neither model saw the test rows."
    ),
}
UNSEEN_SIGNAL_NOTE = (
    "A signal that no training row shows has weight 0: the model does not use it until it is "
    "trained on rows that carry it, such as a site's own corrections (`replyguard feedback`, "
    "then `replyguard train --feedback`). Meanwhile a filled website field and a link in the "
    "author name count in the links signal. The service's rules (links, honeypot, timing, "
    "keys, floods, duplicates) do not depend on the model."
)


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def markdown_tables(metrics: dict[str, Any]) -> str:
    """Each metrics section as a Markdown table (or list, for flat sections)."""
    lines: list[str] = []
    for section, table in metrics.items():
        lines += [f"## {section}", ""]
        rows = list(table.values()) if isinstance(table, dict) else []
        if rows and all(isinstance(r, dict) for r in rows):
            cols = list(dict.fromkeys(c for r in rows for c in r))
            lines += ["| | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
            for name, row in table.items():
                cells = " | ".join("" if c not in row else _fmt(row[c]) for c in cols)
                lines.append(f"| {name} | {cells} |")
        elif isinstance(table, dict):
            lines += [f"- {name}: {_fmt(v)}" for name, v in table.items()]
        lines.append("")
        if section in SECTION_NOTES:
            lines += [SECTION_NOTES[section], ""]
    return "\n".join(lines)


_SIGNAL_META = ("training_mean", "in_training_data")


def markdown(card: dict[str, Any]) -> str:
    """The card as Markdown; ``{version}`` is filled in when the artifact is written."""
    lines = [
        f"# Model card: {card['name']}",
        "",
        "Version: `{version}`",
        "",
        "## Thresholds",
        "",
        "| name | value | meaning |",
        "|---|---|---|",
    ]
    for key, meaning in THRESHOLD_MEANING.items():
        lines.append(f"| `{key}` | {card['thresholds'][key]:.4f} | {meaning} |")
    lines += ["", markdown_tables(card["metrics"])]
    weights = card.get("signal_weights")
    if weights:
        heads = [k for k in next(iter(weights.values())) if k not in _SIGNAL_META]
        lines += [
            "## Signal weights",
            "",
            "Logit per unit of the signal above its training mean, after calibration.",
            "",
            "| signal | " + " | ".join(heads) + " | training mean | in training data |",
            "|---" * (len(heads) + 3) + "|",
        ]
        for name, row in weights.items():
            cells = " | ".join(f"{row[h]:.3f}" for h in heads)
            seen = _fmt(row["in_training_data"])
            lines.append(f"| {name} | {cells} | {row['training_mean']:.4f} | {seen} |")
        unseen = [name for name, row in weights.items() if not row["in_training_data"]]
        if unseen:
            lines += ["", f"No training row shows: {', '.join(unseen)}. {UNSEEN_SIGNAL_NOTE}", ""]
        else:
            lines.append("")
    lines += [
        "## Training",
        "",
        f"Rows per head: {card['training_rows']}",
        "",
        "Settings:",
        "",
        "```",
        *[f"{k}: {v}" for k, v in card["settings"].items()],
        "```",
        "",
        "## Data (sha256)",
        "",
        *[f"- `{k}` {v}" for k, v in card["datasets"].items()],
    ]
    sources = card.get("data_sources")
    if sources:  # cards from before 20261202 lack it
        lines += ["", "## Data sources and their terms", ""]
        for name, source in sources.items():
            lines += [
                f"- `{name}`: {source['use']}.",
                f"  - Cite: {source['citation']}",
                f"  - Terms: {source['terms']}",
            ]
        lines += ["", "## Intended use and limits", ""]
        for paragraph in INTENDED_USE:
            lines += [paragraph, ""]
        lines.pop()
    return "\n".join(lines) + "\n"
