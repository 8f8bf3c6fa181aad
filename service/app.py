"""The application factory: wires settings, routes, middlewares and lifecycles; does no I/O."""

from __future__ import annotations

from aiohttp import web

from classifier.scorer import Scorer

from .appkeys import METRICS, MODERATORS, SETTINGS
from .auth import Moderators
from .lifecycle import PRELOADED_SCORER, janitor_context, model_context, redis_context
from .metrics import Metrics
from .middlewares import answer_errors, observe
from .routes import add_routes
from .settings import Settings


def create_app(settings: Settings, scorer: Scorer | None = None) -> web.Application:
    """A ready-to-run application. ``scorer`` skips loading the model (tests share one)."""
    app = web.Application(
        client_max_size=settings.max_body_bytes,
        middlewares=[observe, answer_errors],
    )
    app[SETTINGS] = settings
    app[METRICS] = Metrics()
    app[MODERATORS] = Moderators(
        {name: token.get_secret_value() for name, token in settings.moderator_tokens.items()}
    )
    if scorer is not None:
        app[PRELOADED_SCORER] = scorer
    app.cleanup_ctx.extend([redis_context, model_context, janitor_context])
    add_routes(app, settings.allowed_origins)
    return app
