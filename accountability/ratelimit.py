"""A per-address limit on public forms, counted in the cache (set CACHE_URL to a shared cache
such as Redis when several server processes run)."""

from django.core.cache import cache

from sro_portal.audit import Actor


def allow(request, action: str, *, limit: int, per_seconds: int) -> bool:
    """Count one use of `action` by this address; False once it exceeds `limit` a window."""
    address = Actor.from_request(request).ip_address or "unknown"
    key = f"ratelimit:{action}:{address}"
    cache.add(key, 0, timeout=per_seconds)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=per_seconds)
        used = 1
    return used <= limit
