"""The shipped model verifies, scores sensibly, explains itself and is thread safe."""

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import pytest

from classifier.explain import MEANING, explain_batch
from classifier.scorer import CommentInput, Contribution, Scorer, Scores
from classifier.signals import SIGNAL_NAMES
from classifier.text import normalise


@pytest.fixture(scope="module")
def shipped() -> Scorer:
    return Scorer.load()


def test_shipped_model_verifies_and_behaves(shipped: Scorer) -> None:
    spam, ham, abuse, polite = shipped.score(
        [
            CommentInput(
                "Great post! Check out my site http://cheap-viagra-online.example.com "
                "for the best pills and free money"
            ),
            CommentInput("I think the council got this one wrong; the bridge repairs matter more."),
            CommentInput("You are a pathetic idiot, shut up and go away you moron"),
            CommentInput("Thank you for the thoughtful reply, I had not considered that."),
        ]
    )
    assert spam.spam > ham.spam
    assert abuse.abuse > polite.abuse
    assert isinstance(spam.spam, float)
    assert isinstance(spam.abuse, float)
    assert shipped.version
    assert set(shipped.thresholds) == {"spam_hold", "spam", "abuse_hold", "abuse_reject"}
    assert shipped.card["version"] == shipped.version


def test_explanations_name_what_pushed_the_score(shipped: Scorer) -> None:
    (scores,) = shipped.score([CommentInput("Free money!!! click http://a.example.com")], 5)
    assert isinstance(scores, Scores)
    assert 0 < len(scores.spam_top) <= 5
    assert all(isinstance(c, Contribution) and c.weight > 0 for c in scores.spam_top)
    weights = [c.weight for c in scores.spam_top]
    assert weights == sorted(weights, reverse=True)
    assert all(
        c.feature.startswith(("word ", "chars ", "signal: ")) or c.feature == MEANING
        for c in scores.spam_top
    )
    (plain,) = shipped.score([CommentInput("Free money!!! click http://a.example.com")])
    assert plain.spam == scores.spam
    assert plain.spam_top == ()


@pytest.mark.parametrize(
    "text",
    [
        "You are a pathetic idiot and a liar, get lost.",
        "My condolences to the family. He was a wonderful teacher.",
        "Great post! Visit my site for cheap essays http://a.example.com",
    ],
)
def test_the_embedding_is_one_contribution_the_meaning(shipped: Scorer, text: str) -> None:
    featuriser = shipped.featuriser
    assert featuriser.embedding is not None
    batch = featuriser.rows([CommentInput(text)])
    at = featuriser.n_features - featuriser.dense_width + len(SIGNAL_NAMES)
    (scores,) = shipped.score([CommentInput(text)], explain=1000)
    for head, top in enumerate((scores.spam_top, scores.abuse_top)):
        # The 256 columns' shares, summed: one entry, against a typical training comment's.
        share = float((batch.dense[0, len(SIGNAL_NAMES) :] * shipped._weights[at:, head]).sum())
        meaning = [c.weight for c in top if c.feature == MEANING]
        assert meaning == ([pytest.approx(share)] if share > 0 else [])
        assert not any(c.feature.startswith("embedding") for c in top)


def test_the_embedding_reads_the_text_without_identity_words(shipped: Scorer) -> None:
    # As the n-grams: naming who one is is no sign of abuse (the card's fairness checks).
    named, plain = shipped.featuriser.rows(
        [CommentInput("I am a gay Muslim woman."), CommentInput("I am a woman.")]
    ).dense
    # (The signals differ: the length counts every word.)
    assert named[len(SIGNAL_NAMES) :].tolist() == plain[len(SIGNAL_NAMES) :].tolist()
    assert any(named[len(SIGNAL_NAMES) :])


def test_batches_keep_order_and_match_single_scoring(shipped: Scorer) -> None:
    items = [CommentInput(f"comment number {i} about the weather") for i in range(50)]
    items[17] = CommentInput("WIN A FREE PRIZE call 08001234567 now!!!")
    items[23] = CommentInput("You IDIOT, you pathetic liar!!! http://a.example.com", "x.com")
    batch = shipped.score(items)
    # exactly, not nearly: a comment's score does not depend on the comments beside it
    assert batch == [shipped.score([item])[0] for item in items]
    assert max(range(50), key=lambda i: batch[i].spam) == 17
    assert shipped.score([]) == []


def test_scoring_from_worker_threads(shipped: Scorer) -> None:
    items = [CommentInput(f"thread test {i} " * (i % 13 + 1)) for i in range(64)]
    expected = shipped.score(items)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda k: shipped.score(items[k:] + items[:k]), range(16)))
    for k, result in enumerate(results):
        assert result == expected[k:] + expected[:k]


def test_explanations_do_not_depend_on_the_batch(shipped: Scorer) -> None:
    items = [
        CommentInput("Free money!!! click http://a.example.com", author="Win Big"),
        CommentInput("You are an idiot and your article is garbage"),
        CommentInput("Thanks, the council vote report was clear."),
        CommentInput("x"),
    ]
    together = shipped.score(items, 5)
    alone = [shipped.score([item], 5)[0] for item in items]
    assert together == alone
    # Every named n-gram is one the comment's normalised text contains.
    for item, scores in zip(items, together, strict=True):
        text = f" {normalise(item.comment)} "
        for c in (*scores.spam_top, *scores.abuse_top):
            if c.feature.startswith("chars "):
                assert c.feature.removeprefix("chars ").strip('"') in text
            elif c.feature.startswith("word "):
                first = c.feature.removeprefix("word ").strip('"').split(" ")[0]
                assert first in text


def test_explanations_from_what_the_signals_found_are_those_found_again(shipped: Scorer) -> None:
    # The signals keep what they found (links, abusive words, spam phrases) for the
    # explanations; describing them from scratch names the same things with the same weights.
    items = [
        CommentInput(
            "Buy cheap viagra online!!! http://pills.example.com www.deals.example.net",
            author="Cheap NFL Jerseys",
            email="x12345@example.org",
            url="https://example.com/buy-cialis-online",
        ),
        CommentInput("You are a stupid idiot and a moron, shut up, you halfwit"),
        CommentInput("Work from home and earn money online, visit my profile"),
        CommentInput("Thanks, the council vote report was clear."),
    ]
    f = shipped.featuriser
    batch = f.rows(items)
    assert len(batch.findings) == len(items)
    contributions = shipped._contributions(batch)
    kept = explain_batch(f, shipped._weights, batch, contributions, items, 8)
    again = explain_batch(
        f, shipped._weights, dataclasses.replace(batch, findings=[]), contributions, items, 8
    )
    assert kept == again
    named = [c.feature for heads in kept for head in heads for c in head]
    assert any(n.startswith("signal: ") and "(" in n for n in named)  # with what was found


NEWS_TOPICS = [
    "The murder trial and the HIV clinic funding deserve better coverage than this.",
    "Drunk driving killed two people on this road last year; the council must act.",
    "My grandfather fought the Nazis; this history matters.",
    "The rape allegations should be investigated by the police, not decided in the comments.",
    "God knows how the budget will be balanced after the heroin clinic closes.",
]


def test_news_comments_on_hard_topics_are_not_held_as_abuse(shipped: Scorer) -> None:
    # Words that name a crime, a drug, an illness or a piece of history are not abuse by
    # themselves: the abusive-word list leaves them out (an earlier list held the last one).
    scored = shipped.score([CommentInput(t) for t in NEWS_TOPICS])
    for text, scores in zip(NEWS_TOPICS, scored, strict=True):
        assert scores.abuse < shipped.thresholds["abuse_hold"], (text, scores.abuse)
    (insult,) = shipped.score([CommentInput("You are a pathetic idiot and a liar.")])
    assert insult.abuse >= shipped.thresholds["abuse_hold"]


def test_spam_that_signs_with_its_goods_is_held_and_a_readers_name_is_not(
    shipped: Scorer,
) -> None:
    # The same few words of thanks: from "SEO Company in Delhi" with its site, and from a
    # reader with hers. The shipped model looks for spam phrases in both fields.
    assert shipped.featuriser.phrases_in_fields
    text = "Thank you, I learned a lot."
    spam, reader, anonymous = shipped.score(
        [
            CommentInput(text, author="SEO Company in Delhi", url="https://seo-company.example"),
            CommentInput(text, author="Margaret Hill", url="https://margarethill.example.net/"),
            CommentInput(text, author="SEO Company in Delhi", url=""),
        ],
        explain=3,
    )
    assert spam.spam >= shipped.thresholds["spam_hold"] > reader.spam
    assert spam.spam > anonymous.spam > reader.spam  # one hit counts, two count more
    assert spam.spam_top[0].feature == (
        'signal: 2 spam phrases (author name: "seo company"; website: "seo company")'
    )


def test_masked_swearing_scores_as_the_words_it_masks(shipped: Scorer) -> None:
    # News comments mask what a filter would catch; the shipped model reads through it.
    assert shipped.featuriser.unmask
    pairs = [
        ("What a b*tch she is.", "What a bitch she is."),
        ("This is bulls**t, pure and simple.", "This is bullshit, pure and simple."),
        ("The mayor is a f@#$ing disgrace.", "The mayor is a fucking disgrace."),
    ]
    for masked, plain in pairs:
        a, b = shipped.score([CommentInput(masked), CommentInput(plain)])
        # The same words; only the share of capitals among letters moves ("*" is no letter).
        assert a.abuse == pytest.approx(b.abuse, abs=0.01), masked
        assert a.abuse >= shipped.thresholds["abuse_hold"], masked
    (calm,) = shipped.score([CommentInput("A well-known co-op sells t-shirts for 50% off.")])
    assert calm.abuse < shipped.thresholds["abuse_hold"]


def test_name_calling_is_held_and_the_words_inside_it_are_not(shipped: Scorer) -> None:
    # Insults of news comment threads that the profanity list lacks count as abusive words.
    insults = [
        "What a nutjob. Nobody should listen to him.",
        "Typical sleazebag politician.",
        "He is such a blockhead about the budget.",
        "Only a dirtbag would defend this.",
    ]
    calm = [
        "The nut allergy warning is on the back of the packet.",
        "Air quality on the bypass was worse than the council said.",
        "The head of the planning board resigned; the block vote follows.",
    ]
    assert _not_held(shipped, insults) == []
    assert _held(shipped, calm) == []
    (explained,) = shipped.score([CommentInput(insults[0])], explain=5)
    assert "signal: 1 abusive word (nutjob)" in [c.feature for c in explained.abuse_top]


def test_threats_said_in_phrases_are_held_and_their_harmless_senses_are_not(
    shipped: Scorer,
) -> None:
    threats = [
        "I hope your house burns down.",
        "He should be hanged for this.",
        "Line them up and shoot them.",
        "You are a waste of oxygen.",
    ]
    calm = [
        "The patient was declared brain dead on Friday.",
        "The new car park is a waste of space.",
        "The council should be shot of this contract by May.",
    ]
    assert _not_held(shipped, threats) == []
    assert _held(shipped, calm) == []
    (explained,) = shipped.score([CommentInput(threats[0])], explain=5)
    assert "signal: 1 abusive word (hope your house burns)" in [
        c.feature for c in explained.abuse_top
    ]


def _abuse(shipped: Scorer, texts: list[str]) -> list[tuple[str, float]]:
    scored = shipped.score([CommentInput(t) for t in texts])
    return [(t, s.abuse) for t, s in zip(texts, scored, strict=True)]


def _held(shipped: Scorer, texts: list[str]) -> list[tuple[str, float]]:
    """The texts the abuse head holds, with their scores."""
    hold = shipped.thresholds["abuse_hold"]
    return [(t, a) for t, a in _abuse(shipped, texts) if a >= hold]


def _not_held(shipped: Scorer, texts: list[str]) -> list[tuple[str, float]]:
    hold = shipped.thresholds["abuse_hold"]
    return [(t, a) for t, a in _abuse(shipped, texts) if a < hold]
