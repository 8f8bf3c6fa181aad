"""`replyguard bench`: the service against a bare aiohttp baseline, under the same load."""
