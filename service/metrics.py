"""Prometheus metrics on the app's own registry; every name starts with replyguard_."""

from __future__ import annotations

import os

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_SCORING_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5)


def multiprocess_dir() -> str | None:
    """Set by the supervisor when several workers share one port (and one /metrics)."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class Metrics:
    """The service's metrics. Several workers aggregate through prometheus-client's files."""

    def __init__(self) -> None:
        self._request_children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}
        self._decision_children: dict[tuple[str, str], Counter] = {}
        self.registry = CollectorRegistry(auto_describe=True)
        reg = self.registry
        self.requests = Counter(
            "replyguard_http_requests",
            "HTTP requests answered, by route, method and status.",
            ["route", "method", "status"],
            registry=reg,
        )
        self.latency = Histogram(
            "replyguard_http_request_duration_seconds",
            "Time from request to answer, by route.",
            ["route"],
            buckets=_LATENCY_BUCKETS,
            registry=reg,
        )
        self.decisions = Counter(
            "replyguard_decisions",
            "Comments decided, by status and by each reason that fired.",
            ["status", "reason"],
            registry=reg,
        )
        self.shadow_decisions = Counter(
            "replyguard_shadow_decisions",
            "In shadow mode: what the rules would have decided, by status.",
            ["would_be"],
            registry=reg,
        )
        self.scoring_seconds = Histogram(
            "replyguard_scoring_seconds",
            "Time to score one batch of comments with both models.",
            buckets=_SCORING_BUCKETS,
            registry=reg,
        )
        self.scoring_batch = Histogram(
            "replyguard_scoring_batch_size",
            "Comments per scoring batch.",
            buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
            registry=reg,
        )
        self.moderator_actions = Counter(
            "replyguard_moderator_actions",
            "Moderator actions applied, by action.",
            ["action"],
            registry=reg,
        )
        self.akismet_checks = Counter(
            "replyguard_akismet_checks",
            "Akismet-compatible comment-check answers, by result (ham, spam, discard).",
            ["result"],
            registry=reg,
        )
        self.akismet_feedback = Counter(
            "replyguard_akismet_feedback",
            "Akismet-compatible submit-spam and submit-ham calls, by label.",
            ["label"],
            registry=reg,
        )
        self.store_errors = Counter(
            "replyguard_store_errors",
            "Requests that failed because Redis did not answer.",
            registry=reg,
        )
        self.queue_depth = Gauge(
            "replyguard_queue_depth",
            "Comments in each status, read from Redis at scrape time.",
            ["status"],
            registry=reg,
            multiprocess_mode="mostrecent",
        )
        self.model_info = Gauge(
            "replyguard_model_info",
            "The loaded model's version (value 1).",
            ["version"],
            registry=reg,
            multiprocess_mode="max",
        )

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        """Count and time one answered request (labelled children are looked up once)."""
        key = (route, method, status)
        children = self._request_children.get(key)
        if children is None:
            children = (
                self.requests.labels(route, method, str(status)),
                self.latency.labels(route),
            )
            self._request_children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def count_decision(self, status: str, reason: str) -> None:
        """Count one reason a comment was given its status (the child is looked up once)."""
        child = self._decision_children.get((status, reason))
        if child is None:
            child = self._decision_children[status, reason] = self.decisions.labels(status, reason)
        child.inc()

    def observe_scoring(self, seconds: float, batch_size: int) -> None:
        self.scoring_seconds.observe(seconds)
        self.scoring_batch.observe(batch_size)

    def render(self) -> bytes:
        """The text exposition of every metric, across workers when there are several."""
        directory = multiprocess_dir()
        if directory is None:
            return bytes(generate_latest(self.registry))
        combined = CollectorRegistry()
        multiprocess.MultiProcessCollector(combined, path=directory)  # type: ignore[no-untyped-call]
        return bytes(generate_latest(combined))
