"""Who is asking: the client's address, read the same way by the audit log, the rate limits and
the sign-in lockout."""

from django.conf import settings
from django_ratelimit.core import get_usage, is_ratelimited


def client_ip(request) -> str | None:
    """The client's address. Behind `TRUSTED_PROXY_COUNT` reverse proxies it is the entry that
    the farthest trusted proxy wrote in `CLIENT_IP_HEADER`: each proxy appends the address it got
    the request from, and anything further left was written by the client, who may forge it."""
    direct = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return direct
    header = request.META.get(settings.CLIENT_IP_HEADER, "")
    hops = [part.strip() for part in header.split(",") if part.strip()]
    return hops[-count] if len(hops) >= count else direct


# A guesser's measure, the same as the sign-in lockout's (settings.AXES_*): five tries in fifteen
# minutes, per address.
GUESSES = "5/15m"


def address_key(group, request) -> str:
    return client_ip(request) or "unknown"


def over_limit(request, group: str, *, rate: str = GUESSES, key=address_key) -> bool:
    """Whether `group` was used up to its `rate` already, without counting this request: for
    forms where only a miss counts (`count_use` then counts it)."""
    usage = get_usage(request, group=group, key=key, rate=rate, increment=False)
    return usage is not None and usage["count"] >= usage["limit"]


def count_use(request, group: str, *, rate: str = GUESSES, key=address_key) -> bool:
    """Counts one use of `group`; True once this use goes beyond the rate."""
    return is_ratelimited(request, group=group, key=key, rate=rate, increment=True)
