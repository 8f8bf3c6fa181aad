"""The static sentence embedding: word pieces as WordPiece finds them, unit-length means, and a
table that a model names by its sha256."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from classifier import static
from classifier.static import MAX_PIECES, MAX_WORD, EmbeddingError, StaticEmbedding

PIECES = ("[PAD]", "[UNK]", "you", "are", "a", "buff", "##oon", "##o", "cafe", "!", "hello", "##s")


@pytest.fixture
def table() -> StaticEmbedding:
    rng = np.random.default_rng(0)
    return StaticEmbedding(rng.normal(size=(len(PIECES), 8)).astype(np.float16), PIECES)


def names(table: StaticEmbedding, text: str) -> list[str]:
    return [table.pieces[i] for i in table.piece_ids(text)]


def test_pieces_are_found_longest_first_after_lower_case_and_accents(
    table: StaticEmbedding,
) -> None:
    assert names(table, "You are a BUFFOON!") == ["you", "are", "a", "buff", "##oon", "!"]
    assert names(table, "Café hellos") == ["cafe", "hello", "##s"]
    # A word with any part the table lacks is one unknown piece, as WordPiece has it.
    assert names(table, "buffx you") == ["[UNK]", "you"]
    assert names(table, "a" * (MAX_WORD + 1)) == ["[UNK]"]
    # Every punctuation or symbol character is a word of its own.
    assert names(table, "hello!!you") == ["hello", "!", "!", "you"]


def test_the_shipped_table_splits_as_the_transformers_tokenizer_does() -> None:
    shipped = static.load()
    assert names(shipped, "You are a complete buffoon, f*ck off!!!") == [
        "you", "are", "a", "complete", "buff", "##oon", ",", "f", "*", "ck", "off", "!", "!", "!",
    ]  # fmt: skip
    assert shipped.dims == 256


def test_a_long_comment_reads_its_first_pieces_only(table: StaticEmbedding) -> None:
    long = "you are a buffoon " * 1000
    assert len(table.piece_ids(long)) == MAX_PIECES
    first = table.embed(["you are a buffoon " * (MAX_PIECES // 5) + "you are"])
    np.testing.assert_allclose(table.embed([long]), first, rtol=1e-6)


def test_an_embedding_is_the_unit_length_mean_of_its_pieces(table: StaticEmbedding) -> None:
    got = table.embed(["you are a buffoon", "", "   ", "hello"])
    vectors = table.vectors.astype(np.float64)
    mean = vectors[[2, 3, 4, 5, 6]].mean(axis=0)
    np.testing.assert_allclose(got[0], mean / np.linalg.norm(mean), rtol=1e-5)
    np.testing.assert_array_equal(got[1], 0.0)
    np.testing.assert_array_equal(got[2], 0.0)
    np.testing.assert_allclose(np.linalg.norm(got[[0, 3]], axis=1), 1.0)


def test_a_comments_embedding_does_not_depend_on_its_batch(table: StaticEmbedding) -> None:
    texts = ["you are a buffoon", "hello cafe", "a" * 300, "you!"]
    together = table.embed(texts)
    for i, text in enumerate(texts):
        np.testing.assert_array_equal(table.embed([text])[0], together[i])


def test_long_words_are_not_remembered(table: StaticEmbedding) -> None:
    table.piece_ids("hellos " + "b" * 60)
    assert "hellos" in table._words
    assert "b" * 60 not in table._words


def test_a_model_is_refused_with_another_table(tmp_path: Path, table: StaticEmbedding) -> None:
    path = tmp_path / "table.npz"
    digest = table.to_file(path, teacher="test")
    assert static.load(path, digest).pieces == PIECES
    assert static.about(path)["teacher"] == "test"
    with pytest.raises(EmbeddingError, match="trained with the embedding table of sha256 0000"):
        static.load(path, "0" * 64)
    path.write_bytes(b"not a table")
    with pytest.raises(EmbeddingError, match="unreadable"):
        static.load(path)
    with pytest.raises(EmbeddingError, match="cannot read"):
        static.load(tmp_path / "missing.npz")


def test_a_table_must_have_a_vector_per_piece_and_an_unknown_piece() -> None:
    with pytest.raises(EmbeddingError, match="pieces"):
        StaticEmbedding(np.zeros((3, 4), np.float16), ("[UNK]", "a"))
    with pytest.raises(EmbeddingError, match=r"\[UNK\]"):
        StaticEmbedding(np.zeros((1, 4), np.float16), ("a",))


def test_whole_word_pieces_are_what_splitting_would_find() -> None:
    # The shortcut for a word that is a piece of its own gives what WordPiece gives it.
    shipped = static.load()
    for piece in shipped.pieces[::37]:
        if not piece.startswith("##") and static._WORDS.fullmatch(piece):
            shipped._words.pop(piece, None)
            assert shipped._word_pieces(piece) == (shipped._whole[piece],), piece
