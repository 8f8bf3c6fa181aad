"""The application factory: wires settings, routes, middlewares and lifecycles; does no I/O."""

from __future__ import annotations

from aiohttp import web

from classifier.scorer import Scorer

from .accesslog import AccessLog, RequestIds
from .appkeys import ACCESS_LOG, METRICS, MODERATORS, REQUEST_IDS, SETTINGS, TRUSTED_PROXIES
from .auth import Moderators
from .lifecycle import PRELOADED_SCORER, janitor_context, model_context, redis_context
from .metrics import Metrics
from .middlewares import answer_errors, observe
from .proxies import TrustedProxies
from .routes import add_routes
from .settings import Settings

# A request's head is bounded whatever aiohttp's defaults (they changed across versions): the
# request line (so the URL) and each header line up to 8 KiB, at most 64 headers. Past these
# the server answers 400 before any handler runs. Bodies are bounded by max_body_bytes.
MAX_REQUEST_LINE = 8190
MAX_HEADER_LINE = 8190
MAX_HEADERS = 64


async def _flush_access_log(app: web.Application) -> None:
    app[ACCESS_LOG].close()


def create_app(settings: Settings, scorer: Scorer | None = None) -> web.Application:
    """A ready-to-run application. ``scorer`` skips loading the model (tests share one)."""
    app = web.Application(
        client_max_size=settings.max_body_bytes,
        middlewares=[observe, answer_errors],
        handler_args={
            "max_line_size": MAX_REQUEST_LINE,
            "max_field_size": MAX_HEADER_LINE,
            "max_headers": MAX_HEADERS,
        },
    )
    app[SETTINGS] = settings
    app[METRICS] = Metrics()
    app[ACCESS_LOG] = AccessLog()
    app[REQUEST_IDS] = RequestIds()
    app[TRUSTED_PROXIES] = TrustedProxies(settings.trusted_proxies)
    app[MODERATORS] = Moderators(
        {name: token.get_secret_value() for name, token in settings.moderator_tokens.items()}
    )
    if scorer is not None:
        app[PRELOADED_SCORER] = scorer
    app.cleanup_ctx.extend([redis_context, model_context, janitor_context])
    app.on_cleanup.append(_flush_access_log)
    add_routes(app, settings.allowed_origins)
    return app
