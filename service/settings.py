"""The service's configuration: one pydantic-settings model read from REPLYGUARD_* variables."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from classifier import compiled

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _split(value: Any) -> Any:
    """Values separated by commas or new lines become lists; lists pass through."""
    if isinstance(value, str):
        return [part.strip() for part in value.replace("\n", ",").split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """Everything an operator can set. Built once at the entry point and passed down."""

    model_config = SettingsConfigDict(
        env_prefix="REPLYGUARD_",
        extra="ignore",
        frozen=True,
    )

    # Where the data lives.
    redis_url: str | None = Field(
        default=None,
        description="redis://, rediss:// or unix:// URL; unset starts an embedded Redis.",
    )
    data_dir: Path = Field(default=Path("var"), description="Embedded Redis data folder.")
    embedded_appendfsync: Literal["everysec", "always"] = "everysec"
    key_prefix: str = Field(default="replyguard:", min_length=1)
    redis_timeout: float = Field(default=2.0, gt=0, description="Seconds per Redis command.")
    retry_after: int = Field(default=5, ge=1, description="Retry-After seconds on a 503.")

    # Who may do what.
    moderator_tokens: Annotated[dict[str, SecretStr], NoDecode] = Field(default_factory=dict)
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    trusted_proxies: Annotated[list[IPNetwork], NoDecode] = Field(default_factory=list)
    allowed_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    secret_key: SecretStr | None = Field(
        default=None,
        description="Keys the IP hashes; unset, one is generated once and kept in Redis.",
    )

    # Requests.
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    idempotency_ttl: int = Field(default=24 * 3600, ge=60)
    shutdown_timeout: float = Field(default=10.0, gt=0)

    # The model and the decision.
    model_path: Path | None = None
    model_cache: str | None = Field(
        default=None,
        description="Folder of the compiled model (off: none); unset: ~/.cache/replyguard/models.",
    )
    spam_hold: float | None = Field(default=None, ge=0, le=1)
    spam_threshold: float | None = Field(default=None, ge=0, le=1)
    abuse_hold: float | None = Field(default=None, ge=0, le=1)
    abuse_reject: float | None = Field(default=None, ge=0, le=1)
    scoring_batch_max: int = Field(default=64, ge=1, le=4096)
    scoring_batch_wait_ms: float = Field(
        default=2.0,
        ge=0,
        le=100,
        description="How long a scoring batch may wait for comments already on their way to it.",
    )
    scoring_thread: bool = Field(
        default=False, description="Score on a thread beside the event loop (else on the loop)."
    )
    explain_top: int = Field(default=5, ge=0, le=50, description="Features kept per head.")

    # Rules (defaults; moderators can change them at runtime through /moderation/rules).
    moderation_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    disallowed_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    max_links: int = Field(default=2, ge=1)
    honeypot_field: str = Field(default="rg_website", min_length=1, max_length=64)
    form_token_field: str = Field(default="rg_token", min_length=1, max_length=64)
    min_submit_seconds: float = Field(default=3.0, ge=0)
    form_token_max_age: int = Field(default=24 * 3600, ge=60)
    token_failure: Literal["hold", "spam", "ignore"] = "hold"
    flood_seconds: float = Field(default=15.0, ge=0)
    rate_limit_per_minute: int = Field(default=10, ge=0)
    trusted_authors: bool = True
    shadow_mode: Literal["off", "approve", "hold"] = "off"
    duplicate_days: int = Field(default=90, ge=1)
    retention_days: int = Field(default=15, ge=1)
    store_raw_ip: bool = False

    # Logs.
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("moderator_tokens", mode="before")
    @classmethod
    def _parse_tokens(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        tokens: dict[str, str] = {}
        for pair in _split(value):
            name, sep, token = pair.partition(":")
            if not sep or not name.strip() or not token.strip():
                raise ValueError("expected name:token pairs separated by commas")
            tokens[name.strip()] = token.strip()
        return tokens

    @field_validator(
        "api_keys",
        "allowed_origins",
        "trusted_proxies",
        "moderation_keys",
        "disallowed_keys",
        mode="before",
    )
    @classmethod
    def _parse_list(cls, value: Any) -> Any:
        return _split(value)

    @field_validator("allowed_origins", mode="after")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        origins = []
        for item in value:
            parts = urlsplit(item)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"{item!r} is not an origin such as https://news.example.com")
            origins.append(f"{parts.scheme}://{parts.netloc}".lower())
        return origins

    @field_validator("redis_url", mode="after")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in ("redis", "rediss", "unix"):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value


def load_settings(env_file: Path | None = None, **overrides: Any) -> Settings:
    """Settings from the environment, optionally with a settings file beneath it."""
    if env_file is not None:
        return Settings(_env_file=env_file, **overrides)
    return Settings(**overrides)


def clean_environment() -> dict[str, str]:
    """This process's environment without the REPLYGUARD_* variables that configure a service,
    for starting one configured by the caller alone (the benchmark's servers, the tests').
    ``compiled.ENV`` (REPLYGUARD_MODEL_CACHE) stays: it only says where the compiled model is."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("REPLYGUARD_") or name == compiled.ENV
    }
