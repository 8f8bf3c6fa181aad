"""Hashed n-grams: the same text gets the same columns wherever and with whatever it is batched."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from classifier.features import NgramHasher, count_triplets
from classifier.pipeline import Featuriser
from classifier.signals import SIGNAL_NAMES, CommentInput

HASHER = NgramHasher(char_bits=16, word_bits=14)


def test_batch_equals_single() -> None:
    texts = ["buy cheap pills", "", "a", "hello world again and again"]
    chars, words = HASHER.transform(texts)
    for i, text in enumerate(texts):
        c1, w1 = HASHER.transform([text])
        assert (chars[i] != c1).nnz == 0
        assert (words[i] != w1).nnz == 0


def test_counts_match_char_wb_ngrams() -> None:
    chars, words = HASHER.transform(["ab ab"])
    # " ab", "ab ", " a", "ab", "b " ... twice each within words; 2..5-grams of " ab " are 6.
    assert chars.sum() == 12
    assert sorted(words.data.tolist()) == [1.0, 2.0]  # "ab" twice, "ab ab" once


def test_terms_name_every_column() -> None:
    text = "cheap pills here"
    chars, words = HASHER.transform([text])
    char_terms, word_terms = HASHER.terms(text)
    assert {c for _, c in char_terms} == set(chars.indices.tolist())
    assert {c for _, c in word_terms} == set(words.indices.tolist())
    assert ("cheap pills", dict(word_terms)["cheap pills"]) in word_terms
    assert " che" in {g for g, _ in char_terms}


def test_word_pairs_ignore_punctuation_between() -> None:
    _, a = HASHER.transform(["great post"])
    _, b = HASHER.transform(["great, post"])
    assert np.array_equal(np.sort(a.indices), np.sort(b.indices))


def test_non_bmp_characters() -> None:
    chars, words = HASHER.transform(["nice 👍🏽 song"])
    assert chars.nnz > 0
    assert words.sum() == 3  # nice, song, "nice song"


def plain_char_grams(text: str, sizes: range) -> list[str]:
    """The character n-grams the hasher counts, enumerated one by one: in " text ", every run of
    2 to 5 characters with no space strictly inside (a 2-gram is not two spaces), size by size."""
    padded = f" {text} "
    grams = []
    for size in sizes:
        for start in range(len(padded) - size + 1):
            gram = padded[start : start + size]
            inner_space = " " in gram[1:-1] if size > 2 else gram == "  "
            if not inner_space:
                grams.append(gram)
    return grams


@given(st.text(alphabet="ab c1é👍\t", max_size=40))
def test_character_ngrams_are_exactly_the_plain_enumeration(text: str) -> None:
    char_terms, _ = HASHER.terms(text)
    assert [gram for gram, _ in char_terms] == plain_char_grams(text, range(2, 6))


@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, (1 << 19) - 1)), max_size=300),
    st.sampled_from([19, 52]),
)
def test_triplets_are_what_unique_gives(pairs: list[tuple[int, int]], bits: int) -> None:
    """(document, column, count, first n-gram) as np.unique with its first indices and counts
    gives them; with 52 bits a long list leaves no room to pack the index (np.unique then)."""
    docs = np.array([d for d, _ in pairs], dtype=np.int64)
    cols = np.array([c for _, c in pairs], dtype=np.int64)
    keys, first, counts = np.unique((docs << bits) | cols, return_index=True, return_counts=True)
    rows, got_cols, got_counts, got_first = count_triplets(docs, cols, bits)
    assert rows.tolist() == (keys >> bits).tolist()
    assert got_cols.tolist() == (keys & ((1 << bits) - 1)).tolist()
    assert got_counts.tolist() == counts.tolist()
    assert got_first.tolist() == first.tolist()


_TEXTS = [
    "Free money, click here: http://x.example.com",
    "you are a stupid idiot, you are",
    "Thanks for the article on the council vote.",
    "the bridge, the bridge, the cycle lane and the upkeep",
    "",
]


def test_the_narrow_word_block_is_what_a_narrower_featuriser_makes() -> None:
    # Counted, weighted and scaled at its own width: the spam head reads exactly the words it
    # would read from a featuriser hashing words into that many columns.
    items = [CommentInput(t) for t in _TEXTS]
    both = Featuriser(NgramHasher(12, 11), view_bits=9).fit(items)
    narrow = Featuriser(NgramHasher(12, 9)).fit(items)
    wide = Featuriser(NgramHasher(12, 11)).fit(items)
    assert np.array_equal(both.view_idf, narrow.word_idf)
    assert np.array_equal(both.word_idf, wide.word_idf)
    x, xn, xw = (f.transform(items).toarray() for f in (both, narrow, wide))
    chars, words, view = 1 << 12, 1 << 11, 1 << 9
    assert x.shape[1] == both.n_features == chars + words + view + len(SIGNAL_NAMES)
    np.testing.assert_allclose(x[:, :chars], xw[:, :chars], rtol=1e-12)
    np.testing.assert_allclose(x[:, chars : chars + words], xw[:, chars : chars + words])
    np.testing.assert_allclose(x[:, chars + words : chars + words + view], xn[:, chars:-10])
    np.testing.assert_allclose(x[:, -len(SIGNAL_NAMES) :], xw[:, -len(SIGNAL_NAMES) :])
    # Both word blocks name their n-grams by the words of the text.
    batch = both.rows(items[:1])
    pairs = list(zip(batch.first.tolist(), batch.cols.tolist(), strict=True))
    for block in (range(chars, chars + words), range(chars + words, chars + words + view)):
        named = {batch.grams.word_name(k) for k, c in pairs if c in block}
        assert {"free", "money", "click here"} <= named


def test_a_narrow_block_wider_than_the_words_is_refused() -> None:
    with pytest.raises(ValueError, match="at most the word block"):
        Featuriser(NgramHasher(12, 9), view_bits=10)
