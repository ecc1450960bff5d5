from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from . import two_factor

# Second-step keys and recovery codes are their owner's alone, set up on the site, never shown
# in the admin.
PRIVATE_APPS = {"otp_totp", "otp_static"}


class StateAdminSite(admin.AdminSite):
    """The Django admin is the state staff's (DPI/DOJ) workplace; nobody else enters it."""

    site_header = "SRO Portal administration"
    site_title = "SRO Portal administration"
    index_title = "Statewide records"

    def register(self, model_or_iterable, admin_class=None, **options):
        models = [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable
        models = [model for model in models if model._meta.app_label not in PRIVATE_APPS]
        if models:
            super().register(models, admin_class, **options)

    def has_permission(self, request):
        # Only a session that passed the second sign-in step, as django-otp's OTPAdminSite asks.
        user = request.user
        return (
            user.is_active
            and user.is_authenticated
            and user.is_state_staff
            and two_factor.is_verified(request)
        )

    def login(self, request, extra_context=None):
        # One sign-in page for everyone: the admin's own would demand the unused is_staff flag.
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return redirect_to_login(next_url)
        if self.has_permission(request):
            return redirect(next_url)
        if user_is_state_staff(request) and not two_factor.is_verified(request):
            step = "verify" if two_factor.has_device(request.user) else "setup"
            query = urlencode({REDIRECT_FIELD_NAME: next_url})
            return redirect(f"{reverse(f'two_factor:{step}')}?{query}")
        raise PermissionDenied


def user_is_state_staff(request) -> bool:
    return request.user.is_active and request.user.is_state_staff
