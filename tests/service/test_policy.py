"""The decision policy, as a table: scores and signals in, a status and its reasons out."""

import pytest

from service.policy import Decision, Signals, Thresholds, decide
from service.schemas import Scores, Status

LIMITS = Thresholds(spam_hold=0.5, spam=0.9, abuse_hold=0.4, abuse_reject=0.95, max_links=2)


@pytest.mark.parametrize(
    ("spam", "abuse", "links", "status", "codes"),
    [
        (0.01, 0.01, 0, Status.APPROVED, ["below_thresholds"]),
        (0.49, 0.39, 1, Status.APPROVED, ["below_thresholds"]),
        (0.50, 0.01, 0, Status.PENDING, ["spam_hold"]),
        (0.89, 0.01, 0, Status.PENDING, ["spam_hold"]),
        (0.90, 0.01, 0, Status.SPAM, ["spam"]),
        (0.01, 0.40, 0, Status.PENDING, ["abuse_hold"]),
        (0.01, 0.95, 0, Status.REJECTED, ["abuse_reject"]),
        (0.99, 0.99, 5, Status.REJECTED, ["abuse_reject", "spam", "links"]),
        (0.95, 0.50, 0, Status.SPAM, ["spam", "abuse_hold"]),
        (0.01, 0.01, 2, Status.PENDING, ["links"]),
        (0.60, 0.50, 3, Status.PENDING, ["links", "abuse_hold", "spam_hold"]),
    ],
)
def test_decision_table(
    spam: float, abuse: float, links: int, status: Status, codes: list[str]
) -> None:
    decision = decide(Scores(spam=spam, abuse=abuse), Signals(links=links), LIMITS)
    assert decision.status is status
    assert [reason.code for reason in decision.reasons] == codes


def test_reasons_quote_the_score_and_the_threshold() -> None:
    decision = decide(Scores(spam=0.93, abuse=0.0), Signals(), LIMITS)
    assert decision == Decision(Status.SPAM, Status.SPAM, decision.reasons)
    assert "0.930" in decision.reasons[0].message
    assert "0.900" in decision.reasons[0].message


@pytest.mark.parametrize(
    "kwargs",
    [
        {"spam_hold": 0.9, "spam": 0.5, "abuse_hold": 0.1, "abuse_reject": 0.2},
        {"spam_hold": 0.1, "spam": 0.5, "abuse_hold": 0.3, "abuse_reject": 0.2},
        {"spam_hold": 0.1, "spam": 1.5, "abuse_hold": 0.1, "abuse_reject": 0.2},
        {"spam_hold": 0.1, "spam": 0.5, "abuse_hold": 0.1, "abuse_reject": 0.2, "max_links": 0},
    ],
)
def test_inconsistent_thresholds_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"need|max_links"):
        Thresholds(**kwargs)  # type: ignore[arg-type]
