"""Form signals: links, author, website, e-mail shape, capitals, length."""

from classifier.signals import SIGNAL_NAMES, CommentInput, signals
from classifier.text import normalise


def _row(item: CommentInput) -> dict[str, float]:
    values = signals([item], [normalise(item.comment)])[0]
    return dict(zip(SIGNAL_NAMES, values.tolist(), strict=True))


def test_signals_of_a_spammy_form() -> None:
    item = CommentInput(
        "BUY NOW http://a.com http://b.com!!!",
        author="cheap-pills.com",
        email="x12345@mail.ru",
        url="http://a.com",
    )
    row = _row(item)
    assert row["links in text"] > 0
    assert row["link in author name"] == 1.0
    assert row["website field filled"] == 1.0
    assert row["e-mail with a long number"] == 1.0
    assert row["capital letters"] > 0.2
    assert row["exclamation marks"] > 0


def test_signals_of_a_plain_form() -> None:
    row = _row(CommentInput("I disagree with the council's plan.", author="Ann", email="a@b.org"))
    assert row["links in text"] == 0
    assert row["link in author name"] == row["website field filled"] == 0
    assert row["e-mail with a long number"] == 0
    assert 0 < row["length"] <= 1
