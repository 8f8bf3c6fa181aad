"""Typed keys for everything the application holds between requests."""

from __future__ import annotations

from aiohttp import web

from classifier.scorer import Scorer

from .accesslog import AccessLog, RequestIds
from .auth import Moderators
from .metrics import Metrics
from .moderation import Moderation
from .proxies import TrustedProxies
from .settings import Settings
from .store import Store

SETTINGS = web.AppKey("settings", Settings)
ACCESS_LOG = web.AppKey("access_log", AccessLog)
REQUEST_IDS = web.AppKey("request_ids", RequestIds)
METRICS = web.AppKey("metrics", Metrics)
MODERATORS = web.AppKey("moderators", Moderators)
STORE = web.AppKey("store", Store)
SCORER = web.AppKey("scorer", Scorer)
MODERATION = web.AppKey("moderation", Moderation)
TRUSTED_PROXIES = web.AppKey("trusted_proxies", TrustedProxies)
