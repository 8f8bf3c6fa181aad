"""Dense signals of the comment form itself: links, the author and website fields, shape of text."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from classifier import spamphrases
from classifier.lexicon import found
from classifier.text import link_hint, normalise, text_links


@dataclass(frozen=True, slots=True)
class CommentInput:
    """One comment as the form sends it."""

    comment: str
    author: str = ""
    email: str = ""
    url: str = ""  # the form's "Website" field


_LINKISH = re.compile(r"https?://|www\.|\.(?:com|net|org|info|ru|biz|xyz|top)\b", re.IGNORECASE)
_EMAIL_DIGITS = re.compile(r"\d{4,}")
_SEPARATORS = re.compile(r"[\W_]+")  # what splits a web address into its words

# Names as explanations show them; order is the column order.
SIGNAL_NAMES = (
    "links",
    "link in author name",
    "website field filled",
    "e-mail with a long number",
    "capital letters",
    "exclamation marks",
    "length",
    "abusive words",
    "share of abusive words",
    "spam phrases",
)
_NO_WORDS: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Findings:
    """What the signals of one comment found, kept so that explaining them does not look again:
    its links (``link_counts``), its abusive words (``lexicon.found``: hits, word count) and its
    spam phrases (``phrase_hits``); None where that list was not looked for."""

    links: tuple[int, int, int]
    words: tuple[tuple[str, ...], int] | None
    phrases: tuple[list[str], list[str], list[str]] | None


def describe(
    name: str,
    value: float,
    item: CommentInput,
    normalised: str,
    words: frozenset[str] = _NO_WORDS,
    phrases: tuple[str, ...] = (),
    fields: bool = False,
    unmask: bool = True,
    findings: Findings | None = None,
) -> str:
    """A readable explanation of one signal's value for one comment (``words``: the model's
    abusive-word list; ``phrases``: its spam-phrase list; ``fields``: whether the model looks
    for the phrases in the author name and the website address too; ``unmask``: whether its
    normalisation restores masked words; ``findings``: what ``signals`` found for it, if kept,
    which is the same as looking again)."""
    if name == "spam phrases":
        if findings is None or findings.phrases is None:
            return _describe_phrases(*phrase_hits(item, normalised, phrases, fields, unmask))
        return _describe_phrases(*findings.phrases)
    if name in ("abusive words", "share of abusive words"):
        if findings is None or findings.words is None:
            return _describe_words(name, *found(normalised, words))
        return _describe_words(name, *findings.words)
    if name == "links":
        text, author, website = link_counts(item) if findings is None else findings.links
        where = [f"{n} in {part}" for n, part in ((text, "text"), (author, "author name")) if n]
        where += ["website field"] * website
        return f"signal: {text + author + website} link{'s' * (text + author + website != 1)}" + (
            f" ({', '.join(where)})" if author or website else ""
        )
    if name == "length":
        return f"signal: length {len(item.comment)} characters"
    if name == "capital letters":
        return f"signal: capital letters {value:.0%}"
    if name == "exclamation marks":
        bangs = item.comment.count("!")
        return f"signal: {bangs} exclamation mark{'s' * (bangs != 1)}"
    return f"signal: {name}"


def _describe_phrases(text: list[str], author: list[str], website: list[str]) -> str:
    count = len(text) + len(author) + len(website)
    if not count:
        return "signal: no spam phrases"
    parts = []
    for where, hits in (("", text), ("author name: ", author), ("website: ", website)):
        if hits:
            parts.append(where + ", ".join(f'"{hit}"' for hit in dict.fromkeys(hits)))
    return f"signal: {count} spam phrase{'s' * (count != 1)} ({'; '.join(parts)})"


def phrase_hits(
    item: CommentInput,
    normalised: str,
    phrases: tuple[str, ...],
    fields: bool = True,
    unmask: bool = True,
) -> tuple[list[str], list[str], list[str]]:
    """The listed spam phrases in the comment (``normalised``: its normalised text), and with
    ``fields`` in the author name and in the words of the website address as well: blog spam
    signs with the goods it sells ("Cheap NFL Jerseys", https://example.com/buy-cialis-online)
    where a reader signs with a name. The fields are normalised as the comment was
    (``unmask``: see ``normalise``)."""
    text = spamphrases.found(normalised, phrases)
    if not fields or not phrases:
        return text, [], []
    author = spamphrases.found(normalise(item.author, unmask), phrases) if item.author else []
    url = _SEPARATORS.sub(" ", item.url).strip()
    website = spamphrases.found(normalise(url, unmask), phrases) if url else []
    return text, author, website


def _describe_words(name: str, hits: tuple[str, ...], tokens: int) -> str:
    # Centred signals also push a score when they are below the training mean: "no abusive
    # words" can raise the spam score, since abusive comments are seldom spam.
    if not hits:
        if name == "abusive words":
            return "signal: no abusive words"
        return f"signal: abusive words 0 of {tokens}"
    listed = ", ".join(dict.fromkeys(hits))
    if name == "abusive words":
        return f"signal: {len(hits)} abusive word{'s' * (len(hits) != 1)} ({listed})"
    return f"signal: abusive words {len(hits)} of {tokens} ({listed})"


def _links_in(text: str) -> int:
    return len(text_links(text)) if link_hint(text) else 0


def link_counts(item: CommentInput) -> tuple[int, int, int]:
    """Links the comment would publish, counted on the raw fields: in its text, in the author
    name, and the website field (1 when filled: the page links the author's name to it)."""
    return _links_in(item.comment), _links_in(item.author), int(bool(item.url.strip()))


def count_links(item: CommentInput) -> int:
    """All the links the comment would publish (``link_counts`` summed)."""
    return sum(link_counts(item))


def _table(test: Callable[[str], bool]) -> NDArray[np.bool_]:
    return np.array([test(chr(i)) for i in range(0x30000)], dtype=np.bool_)


_ALPHA = _table(str.isalpha)
_UPPER = _table(str.isupper)


def _per_text(texts: Sequence[str]) -> tuple[NDArray[np.float64], ...]:
    """Letters, capitals and exclamation marks per text, counted over the batch at once."""
    joined = "".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(
        np.int64
    )
    codes[codes >= len(_ALPHA)] = 0
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    doc = np.repeat(np.arange(len(texts)), lengths)
    n = len(texts)
    letters = np.bincount(doc, weights=_ALPHA[codes], minlength=n)
    upper = np.bincount(doc, weights=_UPPER[codes], minlength=n)
    bangs = np.bincount(doc, weights=codes == ord("!"), minlength=n)
    return (
        lengths.astype(np.float64),
        letters.astype(np.float64),
        upper.astype(np.float64),
        bangs.astype(np.float64),
    )


def signals(
    items: Sequence[CommentInput],
    normalised: Sequence[str],
    words: frozenset[str] = _NO_WORDS,
    phrases: tuple[str, ...] = (),
    fields: bool = False,
    unmask: bool = True,
    findings: list[Findings] | None = None,
) -> NDArray[np.float64]:
    """One row per comment, columns as SIGNAL_NAMES, every value in [0, 1]. ``words``: the
    abusive-word list (none: both of its columns are 0); ``phrases``: the spam-phrase list
    (none: its column is 0), looked for in the author name and the website address too when
    ``fields`` is set (``phrase_hits``; ``unmask`` as the comment was normalised). A list
    passed as ``findings`` receives what was found in each comment, for its explanation."""
    lengths, letters, upper, bangs = _per_text([item.comment for item in items])
    counted = [link_counts(item) for item in items]
    links = np.fromiter(map(sum, counted), np.float64, len(items))
    out = np.empty((len(items), len(SIGNAL_NAMES)), dtype=np.float64)
    out[:, 0] = np.minimum(np.log1p(links) / 2.0, 1.0)
    out[:, 1] = [bool(item.author and _LINKISH.search(item.author)) for item in items]
    out[:, 2] = [bool(item.url.strip()) for item in items]
    out[:, 3] = [bool(_EMAIL_DIGITS.search(item.email.partition("@")[0])) for item in items]
    out[:, 4] = np.where(letters >= 8, upper / np.maximum(letters, 1.0), 0.0)
    out[:, 5] = np.minimum(bangs, 10.0) / 10.0
    out[:, 6] = np.minimum(np.log1p(lengths) / 8.0, 1.0)
    out[:, 7:9] = 0.0
    word_hits: list[tuple[tuple[str, ...], int] | None] = [None] * len(items)
    if words:
        for i, text in enumerate(normalised):
            word_hits[i] = hits, tokens = found(text, words)
            if hits:
                out[i, 7] = min(np.log1p(len(hits)) / 2.0, 1.0)
                out[i, 8] = len(hits) / tokens
    out[:, 9] = 0.0
    phrase_found: list[tuple[list[str], list[str], list[str]] | None] = [None] * len(items)
    if phrases:
        for i, (item, text) in enumerate(zip(items, normalised, strict=True)):
            phrase_found[i] = where = phrase_hits(item, text, phrases, fields, unmask)
            count = sum(map(len, where))
            if count:
                out[i, 9] = min(np.log1p(count) / 2.0, 1.0)
    if findings is not None:
        findings.extend(map(Findings, counted, word_hits, phrase_found))
    return out
