"""The decision: a pure function of the scores, the rule signals and named thresholds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .formtoken import TokenState
from .keywords import KeyMatch
from .schemas import Reason, Scores, Status


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Named, configurable limits. A score at or above a threshold triggers it."""

    spam_hold: float
    spam: float
    abuse_hold: float
    abuse_reject: float
    max_links: int = 2
    token_failure: Literal["hold", "spam", "ignore"] = "hold"
    trusted_authors: bool = True
    shadow_mode: Literal["off", "approve", "hold"] = "off"

    def __post_init__(self) -> None:
        if not 0.0 <= self.spam_hold <= self.spam <= 1.0:
            raise ValueError("need 0 <= spam_hold <= spam_threshold <= 1")
        if not 0.0 <= self.abuse_hold <= self.abuse_reject <= 1.0:
            raise ValueError("need 0 <= abuse_hold <= abuse_reject <= 1")
        if self.max_links < 1:
            raise ValueError("max_links must be at least 1")


@dataclass(frozen=True, slots=True)
class Signals:
    """What the rules saw in one comment, before any decision."""

    links: int = 0
    honeypot: bool = False
    token: TokenState = TokenState.NOT_CHECKED
    token_age: float | None = None
    moderation_key: KeyMatch | None = None
    disallowed_key: KeyMatch | None = None
    trusted_author: bool = False
    post_moderated: bool = False


@dataclass(frozen=True, slots=True)
class Decision:
    """The status given, the status the rules chose (they differ only in shadow mode), and
    every reason, strongest first."""

    status: Status
    decided: Status
    reasons: tuple[Reason, ...]


def decide(scores: Scores, signals: Signals, limits: Thresholds) -> Decision:
    """Reject beats spam beats hold beats approve; every rule that fired is recorded."""
    rejected = _reject_reasons(scores, signals, limits)
    spam = _spam_reasons(scores, signals, limits)
    held = _hold_reasons(scores, signals, limits)
    fired = rejected + spam + held
    if rejected:
        decided = Status.REJECTED
    elif spam:
        decided = Status.SPAM
    elif held:
        decided = Status.PENDING
    else:
        decided = Status.APPROVED
        fired = [_approval_reason(scores, signals, limits)]
    if limits.shadow_mode == "off":
        return Decision(decided, decided, tuple(fired))
    given = Status.APPROVED if limits.shadow_mode == "approve" else Status.PENDING
    shadow = Reason(
        code="shadow_mode",
        message=f"shadow mode: every comment is {given.value}; the rules said {decided.value}",
    )
    return Decision(given, decided, (shadow, *fired))


def _reject_reasons(scores: Scores, signals: Signals, limits: Thresholds) -> list[Reason]:
    reasons = []
    if signals.disallowed_key is not None:
        match = signals.disallowed_key
        reasons.append(
            Reason(code="disallowed_key", message=f'disallowed key "{match.key}" in {match.field}')
        )
    if scores.abuse >= limits.abuse_reject:
        reasons.append(_score_reason("abuse_reject", "abuse", scores.abuse, limits.abuse_reject))
    return reasons


def _spam_reasons(scores: Scores, signals: Signals, limits: Thresholds) -> list[Reason]:
    reasons = []
    if signals.honeypot:
        reasons.append(Reason(code="honeypot", message="the hidden honeypot field was filled in"))
    if signals.token is TokenState.TOO_FAST:
        reasons.append(
            Reason(code="too_fast", message=f"sent {signals.token_age or 0:.1f} s after the form")
        )
    elif _token_failed(signals) and limits.token_failure == "spam":
        reasons.append(_token_reason(signals))
    if scores.spam >= limits.spam:
        reasons.append(_score_reason("spam", "spam", scores.spam, limits.spam))
    return reasons


def _hold_reasons(scores: Scores, signals: Signals, limits: Thresholds) -> list[Reason]:
    reasons = []
    if signals.moderation_key is not None:
        match = signals.moderation_key
        reasons.append(
            Reason(code="moderation_key", message=f'moderation key "{match.key}" in {match.field}')
        )
    if signals.links >= limits.max_links:
        reasons.append(
            Reason(
                code="links",
                message=f"{signals.links} links, at or above the limit of {limits.max_links}",
            )
        )
    if signals.post_moderated:
        reasons.append(Reason(code="post_moderated", message="every comment on this post is held"))
    if _token_failed(signals) and limits.token_failure == "hold":
        reasons.append(_token_reason(signals))
    if not _trusted(signals, limits):
        if limits.abuse_hold <= scores.abuse < limits.abuse_reject:
            reasons.append(_score_reason("abuse_hold", "abuse", scores.abuse, limits.abuse_hold))
        if limits.spam_hold <= scores.spam < limits.spam:
            reasons.append(_score_reason("spam_hold", "spam", scores.spam, limits.spam_hold))
    return reasons


def _approval_reason(scores: Scores, signals: Signals, limits: Thresholds) -> Reason:
    if _trusted(signals, limits) and (
        scores.spam >= limits.spam_hold or scores.abuse >= limits.abuse_hold
    ):
        return Reason(
            code="trusted_author",
            message=(
                f"previously approved author: spam {scores.spam:.3f} and abuse "
                f"{scores.abuse:.3f} are below the spam and reject thresholds"
            ),
        )
    return Reason(
        code="below_thresholds",
        message=(
            f"spam {scores.spam:.3f} < {limits.spam_hold:.3f} and "
            f"abuse {scores.abuse:.3f} < {limits.abuse_hold:.3f}"
        ),
    )


def _trusted(signals: Signals, limits: Thresholds) -> bool:
    return signals.trusted_author and limits.trusted_authors


def _token_failed(signals: Signals) -> bool:
    return signals.token in (TokenState.MISSING, TokenState.FORGED, TokenState.EXPIRED)


def _token_reason(signals: Signals) -> Reason:
    words = {
        TokenState.MISSING: "the form token is missing",
        TokenState.FORGED: "the form token is not one of ours, or not for this post",
        TokenState.EXPIRED: f"the form token expired ({signals.token_age or 0:.0f} s old)",
    }
    return Reason(code=f"token_{signals.token.value}", message=words[signals.token])


def _score_reason(code: str, head: str, score: float, threshold: float) -> Reason:
    return Reason(
        code=code,
        message=f"{head} score {score:.3f} is at or above the {code} threshold {threshold:.3f}",
    )
