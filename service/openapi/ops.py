"""Operators' endpoints: liveness, readiness, metrics and this document."""

from __future__ import annotations

from .. import schemas as s
from .shapes import Answer, Operation

OPS = (
    Operation(
        "GET",
        "/healthz",
        "healthz",
        "operations",
        "Liveness: 200 while the process runs.",
        {200: Answer("Alive.", json=s.HealthOut)},
    ),
    Operation(
        "GET",
        "/readyz",
        "readyz",
        "operations",
        "Readiness: 200 only when Redis answers and the model is loaded.",
        {
            200: Answer("Ready.", json=s.ReadinessOut),
            503: Answer("Not ready.", json=s.ReadinessOut, headers=("Retry-After",)),
        },
    ),
    Operation(
        "GET",
        "/metrics",
        "metrics",
        "operations",
        "Prometheus metrics, every one named replyguard_*.",
        {200: Answer("The Prometheus text format.", text={"type": "string"})},
    ),
    Operation(
        "GET",
        "/openapi.json",
        "openapi",
        "operations",
        "This document.",
        {200: Answer("The OpenAPI 3.1 document.", json="OpenAPIDocument")},
    ),
)
