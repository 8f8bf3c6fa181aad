"""Redis stops and comes back: 503 with Retry-After meanwhile, then service as before."""

from __future__ import annotations

from pathlib import Path

from ..conftest import RedisProcess
from .conftest import ClientFactory, bearer, form


async def test_redis_stopped_and_back(make_client: ClientFactory, tmp_path: Path) -> None:
    server = RedisProcess(tmp_path / "redis")
    server.start()
    try:
        client = await make_client(redis_url=server.url)
        before = await (await client.post("/comments", data=form())).json()

        server.stop()
        response = await client.post(
            "/comments", data=form(author="During", comment="Posted while Redis was down.")
        )
        assert response.status == 503
        assert response.headers["Retry-After"] == "5"
        assert (await client.get("/readyz")).status == 503

        server.start()  # same port, same append-only file
        assert (await client.get("/readyz")).status == 200
        after = await client.post(
            "/comments", data=form(author="After", comment="Posted after Redis came back.")
        )
        assert after.status == 201
        kept = await client.get(f"/moderation/comments/{before['id']}", headers=bearer())
        assert kept.status == 200
    finally:
        server.stop()
