import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.http import urlencode

from . import two_factor
from .audit import Actor, audit_record
from .models import AuditLog


class ContentSecurityPolicyMiddleware:
    """Send the strict content and permissions policies from settings on every response that
    has none of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        for header, setting in (
            ("Content-Security-Policy", "CONTENT_SECURITY_POLICY"),
            ("Permissions-Policy", "PERMISSIONS_POLICY"),
        ):
            policy = getattr(settings, setting, "")
            if policy:
                response.headers.setdefault(header, policy)
        return response


class TranslatedPagesMiddleware:
    """Only the public complaint pages are translated. Everywhere else the portal speaks its
    default language, whatever a visitor chose there, so no page comes out half translated."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name not in settings.TRANSLATED_VIEWS:
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return
        # A translated page also takes its language from the address (?lang=es), so that a link
        # chooses it without a cookie (the public pages set none).
        chosen = request.GET.get("lang")
        if chosen in dict(settings.LANGUAGES):
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen


SIGNED_IN_AT = "signed_in_at"
ACTIVE_AT = "active_at"
# How stale the last-seen time may grow before a request renews it: renewing on every request
# would write the session on every request.
RENEW_AFTER_SECONDS = 60


def start_session_clock(session) -> None:
    now = int(time.time())
    session[SIGNED_IN_AT] = now
    session[ACTIVE_AT] = now


class SessionLimitsMiddleware:
    """A signed-in session ends after `SESSION_IDLE_SECONDS` without a request and after
    `SESSION_MAX_SECONDS` from sign-in in any case."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            now = int(time.time())
            if SIGNED_IN_AT not in session:
                start_session_clock(session)
            idle = now - session.get(ACTIVE_AT, now)
            if (
                now - session[SIGNED_IN_AT] > settings.SESSION_MAX_SECONDS
                or idle > settings.SESSION_IDLE_SECONDS
            ):
                logout(request)
                messages.info(request, "Your session has ended: please sign in again.")
                return redirect_to_login(request.get_full_path())
            response = self.get_response(request)
            # A page cached for everyone must not carry this visitor's session cookie.
            if idle >= RENEW_AFTER_SECONDS and "public" not in response.get("Cache-Control", ""):
                session[ACTIVE_AT] = now
            return response
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages for a signed-in person, and the complaint pages, are kept by no browser or proxy:
    a shared computer's back button or history must not show them to the next person."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        match = request.resolver_match
        private = (user is not None and user.is_authenticated) or (
            match is not None and match.view_name in settings.NO_STORE_VIEWS
        )
        if private and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response


class RequestSizeLimitMiddleware:
    """A request body larger than any form or upload of the portal takes is refused from its
    declared length, before a byte of it is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_REQUEST_BYTES
        if length > limit and self.takes_large_files(request):
            limit = settings.MAX_LARGE_UPLOAD_BYTES
        if length > limit:
            return HttpResponse(
                "The request is larger than the portal accepts (at most "
                f"{limit // (1024 * 1024)} MB).",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)

    @staticmethod
    def takes_large_files(request) -> bool:
        """An import page whose large files run in the background."""
        try:
            return resolve(request.path_info).view_name in settings.LARGE_UPLOAD_VIEWS
        except Resolver404:
            return False


class AccessAuditMiddleware:
    """What a signed-in person was refused (403, or 404 for what lies outside their scope) and
    every file they downloaded (exports, templates, certificates) goes to the audit log, whatever
    view answered: a new export or download is audited without a line of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        disposition = response.get("Content-Disposition", "")
        if response.status_code in (403, 404):
            action, detail = AuditLog.Action.REFUSED, {"status": response.status_code}
        elif response.status_code == 200 and disposition.startswith("attachment"):
            action, detail = AuditLog.Action.DOWNLOAD, {"file_name": file_name(disposition)}
        else:
            return response
        detail.update(method=request.method, path=request.path[:300])
        if request.GET:
            detail["query"] = request.GET.urlencode()[:500]
        audit_record(actor=Actor.from_request(request), action=action, detail=detail)
        return response


def file_name(disposition: str) -> str:
    _, _, name = disposition.partition("filename=")
    return name.strip().strip('"')[:200]


# Pages a signed-in session may open before it passes the second sign-in step.
SECOND_STEP_VIEWS = {"two_factor:verify", "two_factor:setup", "logout"}


class SecondStepMiddleware:
    """A session whose person has an authenticator app, or whose role requires one, opens no page
    but the second step (sro_portal/two_factor.py) until it has passed it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def process_view(self, request, view_func, view_args, view_kwargs):
        step = two_factor.pending_step(request)
        if step is None or request.resolver_match.view_name in SECOND_STEP_VIEWS:
            return None
        query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
        return redirect(f"{reverse(f'two_factor:{step}')}?{query}")

    def __call__(self, request):
        return self.get_response(request)
