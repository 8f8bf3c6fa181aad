"""The decision: a pure function of the scores, the rule signals and named thresholds."""

from __future__ import annotations

from dataclasses import dataclass

from .schemas import Reason, Scores, Status


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Named, configurable limits. Scores at or above a threshold trigger it."""

    spam_hold: float
    spam: float
    abuse_hold: float
    abuse_reject: float
    max_links: int = 2

    def __post_init__(self) -> None:
        if not 0.0 <= self.spam_hold <= self.spam <= 1.0:
            raise ValueError("need 0 <= spam_hold <= spam <= 1")
        if not 0.0 <= self.abuse_hold <= self.abuse_reject <= 1.0:
            raise ValueError("need 0 <= abuse_hold <= abuse_reject <= 1")
        if self.max_links < 1:
            raise ValueError("max_links must be at least 1")


@dataclass(frozen=True, slots=True)
class Signals:
    """What the rules saw in one comment, before any decision."""

    links: int = 0


@dataclass(frozen=True, slots=True)
class Decision:
    """The status and every reason that led to it, strongest first."""

    status: Status
    reasons: tuple[Reason, ...]


def decide(scores: Scores, signals: Signals, limits: Thresholds) -> Decision:
    """Reject beats spam beats hold beats approve; every rule that fired is recorded."""
    rejected: list[Reason] = []
    spam: list[Reason] = []
    held: list[Reason] = []

    if scores.abuse >= limits.abuse_reject:
        rejected.append(_score_reason("abuse_reject", "abuse", scores.abuse, limits.abuse_reject))
    elif scores.abuse >= limits.abuse_hold:
        held.append(_score_reason("abuse_hold", "abuse", scores.abuse, limits.abuse_hold))
    if scores.spam >= limits.spam:
        spam.append(_score_reason("spam", "spam", scores.spam, limits.spam))
    elif scores.spam >= limits.spam_hold:
        held.append(_score_reason("spam_hold", "spam", scores.spam, limits.spam_hold))
    if signals.links >= limits.max_links:
        held.append(
            Reason(
                code="links",
                message=f"{signals.links} links, at or above the limit of {limits.max_links}",
            )
        )

    for status, fired in (
        (Status.REJECTED, rejected),
        (Status.SPAM, spam),
        (Status.PENDING, held),
    ):
        if fired:
            return Decision(status, tuple(rejected + spam + held))
    return Decision(
        Status.APPROVED,
        (
            Reason(
                code="below_thresholds",
                message=(
                    f"spam {scores.spam:.3f} < {limits.spam_hold:.3f} and "
                    f"abuse {scores.abuse:.3f} < {limits.abuse_hold:.3f}"
                ),
            ),
        ),
    )


def _score_reason(code: str, head: str, score: float, threshold: float) -> Reason:
    return Reason(
        code=code,
        message=f"{head} score {score:.3f} is at or above the {code} threshold {threshold:.3f}",
    )
