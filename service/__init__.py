"""replyguard HTTP service: the aiohttp application, its Redis store and the CLI."""
