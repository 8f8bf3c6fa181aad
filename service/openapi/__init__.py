"""The OpenAPI 3.1 document of the whole HTTP API, served at GET /openapi.json."""

from __future__ import annotations

from .document import document, openapi_json

__all__ = ["document", "openapi_json"]
