"""The moderation rules in force: defaults from the settings, overrides kept in Redis."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .keywords import KeywordMatcher
from .policy import Thresholds
from .settings import Settings

Key = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
FieldName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_\-\[\]]{1,64}$")]


class RuleConfig(BaseModel):
    """Every rule setting a moderator can change at runtime."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    moderation_keys: list[Key] = Field(default_factory=list, max_length=10_000)
    disallowed_keys: list[Key] = Field(default_factory=list, max_length=10_000)
    max_links: int = Field(default=2, ge=1, le=1000)
    spam_hold: Probability
    spam_threshold: Probability
    abuse_hold: Probability
    abuse_reject: Probability
    honeypot_field: FieldName = "rg_website"
    min_submit_seconds: float = Field(default=3.0, ge=0, le=3600)
    form_token_max_age: int = Field(default=86400, ge=60, le=30 * 86400)
    token_failure: Literal["hold", "spam", "ignore"] = "hold"
    flood_seconds: float = Field(default=15.0, ge=0, le=86400)
    rate_limit_per_minute: int = Field(default=10, ge=0, le=100_000)
    trusted_authors: bool = True
    shadow_mode: Literal["off", "approve", "hold"] = "off"

    @model_validator(mode="after")
    def _ordered(self) -> RuleConfig:
        self.thresholds()  # raises ValueError when the thresholds contradict each other
        return self

    def thresholds(self) -> Thresholds:
        return Thresholds(
            spam_hold=self.spam_hold,
            spam=self.spam_threshold,
            abuse_hold=self.abuse_hold,
            abuse_reject=self.abuse_reject,
            max_links=self.max_links,
            token_failure=self.token_failure,
            trusted_authors=self.trusted_authors,
            shadow_mode=self.shadow_mode,
        )


RULE_NAMES = frozenset(RuleConfig.model_fields)


class RulesView(BaseModel):
    """GET and PATCH /moderation/rules: the rules in force, which a moderator changed, defaults."""

    version: int
    rules: RuleConfig
    overridden: list[str]
    defaults: RuleConfig


def default_rules(settings: Settings, model_thresholds: Mapping[str, float]) -> RuleConfig:
    """The rules before any moderator changed them: settings, else the model card's thresholds."""

    def pick(configured: float | None, name: str) -> float:
        return configured if configured is not None else float(model_thresholds[name])

    return RuleConfig(
        moderation_keys=settings.moderation_keys,
        disallowed_keys=settings.disallowed_keys,
        max_links=settings.max_links,
        spam_hold=pick(settings.spam_hold, "spam_hold"),
        spam_threshold=pick(settings.spam_threshold, "spam"),
        abuse_hold=pick(settings.abuse_hold, "abuse_hold"),
        abuse_reject=pick(settings.abuse_reject, "abuse_reject"),
        honeypot_field=settings.honeypot_field,
        min_submit_seconds=settings.min_submit_seconds,
        form_token_max_age=settings.form_token_max_age,
        token_failure=settings.token_failure,
        flood_seconds=settings.flood_seconds,
        rate_limit_per_minute=settings.rate_limit_per_minute,
        trusted_authors=settings.trusted_authors,
        shadow_mode=settings.shadow_mode,
    )


def apply_overrides(defaults: RuleConfig, overrides: Mapping[str, Any]) -> RuleConfig:
    """The defaults with a moderator's overrides on top (validated as a whole)."""
    known = {name: value for name, value in overrides.items() if name in RULE_NAMES}
    return RuleConfig.model_validate({**defaults.model_dump(), **known})


@dataclass(frozen=True, slots=True)
class RuleSet:
    """One version of the rules, compiled for use on every request."""

    config: RuleConfig
    version: int
    overridden: frozenset[str]
    moderation: KeywordMatcher
    disallowed: KeywordMatcher

    @classmethod
    def build(cls, config: RuleConfig, version: int, overridden: frozenset[str]) -> RuleSet:
        return cls(
            config=config,
            version=version,
            overridden=overridden,
            moderation=KeywordMatcher(config.moderation_keys),
            disallowed=KeywordMatcher(config.disallowed_keys),
        )
