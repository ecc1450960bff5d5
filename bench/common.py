"""What the benchmark scripts share: Django under bench/settings.py, the database they run on, the
people they act as, signed-in sessions made on the server, and medians.

Import it first: `from common import ...` from a script in bench/ (the scripts run as files,
`python bench/<script>.py`, so bench/ is on the path and the project root is added here).
"""

import argparse
import os
import shlex
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sro_bench"
# The 1% set lives beside the full one: the full database's name with this suffix.
SMALL_SUFFIX = "_1pct"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def database_url(url: str | None = None) -> str:
    return url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def small_database_url(full_url: str) -> str:
    parts = urlsplit(full_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + SMALL_SUFFIX))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def parser(description: str) -> argparse.ArgumentParser:
    """A script's argument parser, with the database option every script takes."""
    result = argparse.ArgumentParser(description=description)
    result.add_argument(
        "--database-url",
        default=None,
        help=f"the PostgreSQL database (default: $DATABASE_URL, else {DEFAULT_DATABASE_URL})",
    )
    return result


def setup(url: str) -> None:
    """Start Django with the bench settings on the database at `url`."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    ensure_static_manifest()


def ensure_static_manifest() -> None:
    """Production's static storage renders a page only once collectstatic wrote its manifest."""
    from django.conf import settings
    from django.core.management import call_command

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)


def reproduce(script: str, url: str, *arguments: str) -> str:
    """The command that reproduces a script's figures, printed with them."""
    words = [".venv/bin/python", f"bench/{script}", *arguments]
    return f"DATABASE_URL={shlex.quote(url)} " + " ".join(shlex.quote(w) for w in words)


def median_ms(function, runs: int, warmups: int = 1, slow_ms: float = 2000.0) -> float:
    """Median wall time of `runs` calls after `warmups`; a call slower than `slow_ms` at warm-up
    is timed 3 times at most, so that one slow page does not hold up the whole run."""
    for _ in range(warmups):
        start = time.perf_counter()
        function()
        if (time.perf_counter() - start) * 1000 > slow_ms:
            runs = min(runs, 3)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def table(header: list[str], rows: list[list], floats: str = "{:.1f}") -> str:
    """A Markdown table: printed by the scripts, pasted into bench/RESULTS.md as it is."""

    def cell(value):
        return floats.format(value) if isinstance(value, float) else str(value)

    lines = [header, ["---"] * len(header), *[[cell(v) for v in row] for row in rows]]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def people() -> dict:
    """The person each page is opened as, chosen the same way at every scale: state staff; the
    administrator of the district with the most schools; the officer with the most active
    assignments there; the supervisor of that officer's agency."""
    from django.db.models import Count

    from programs.models import Assignment
    from sro_portal.models import District, Membership
    from sro_portal.roles import Role

    def member(role, **where):
        membership = (
            Membership.objects.filter(role=role, user__is_active=True, **where)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        return membership.user if membership else None

    state_staff = member(Role.STATE_STAFF)
    administered = Membership.objects.filter(role=Role.DISTRICT_ADMIN, user__is_active=True)
    district = (
        District.objects.filter(pk__in=administered.values("district_id"))
        .annotate(size=Count("schools"))
        .order_by("-size", "pk")
        .first()
    )
    if state_staff is None or district is None:
        raise SystemExit("No state staff or district administrator: is the database generated?")
    officers = (
        Assignment.objects.active()
        .filter(district=district)
        .values("officer_id")
        .annotate(schools=Count("pk"))
        .order_by("-schools", "officer_id")
    )
    officer = officers.first()
    sro_membership = (
        Membership.objects.filter(role=Role.SRO, user_id=officer["officer_id"])
        .select_related("user")
        .first()
        if officer
        else None
    )
    if sro_membership is None:
        raise SystemExit(f"No SRO with an active assignment in {district}: generate the data.")
    supervisor = member(Role.AGENCY_SUPERVISOR, agency_id=sro_membership.agency_id) or member(
        Role.AGENCY_SUPERVISOR
    )
    return {
        Role.STATE_STAFF: state_staff,
        Role.DISTRICT_ADMIN: member(Role.DISTRICT_ADMIN, district=district),
        Role.AGENCY_SUPERVISOR: supervisor,
        Role.SRO: sro_membership.user,
        "district": district,
    }


def signed_in_session(user) -> str:
    """A session key for `user` that passed both sign-in steps, made on the server as a real
    sign-in would leave it. A person whose role requires the second step and who has no
    authenticator app yet is given one (named so that it can be told apart)."""
    from importlib import import_module

    import django_otp
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sro_portal import two_factor
    from sro_portal.middleware import start_session_clock

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    device = two_factor.app_device(user)
    if device is None and two_factor.is_required(user):
        device = TOTPDevice.objects.create(
            user=user, key=two_factor.new_key(), name="Benchmark", confirmed=True
        )
    if device is not None:
        session[django_otp.DEVICE_ID_SESSION_KEY] = device.persistent_id
    start_session_clock(session)
    session.save()
    return session.session_key


def signed_in_client(user):
    """A test client holding a signed-in session of `user`."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(user)
    return client
