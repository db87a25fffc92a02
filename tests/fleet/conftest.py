from tests.servers.redis import redis_server  # noqa: F401  (the fixture)
