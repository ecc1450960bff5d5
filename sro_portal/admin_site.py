from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


class StateAdminSite(admin.AdminSite):
    """The Django admin is the state staff's (DPI/DOJ) workplace; nobody else enters it."""

    site_header = "SRO Portal administration"
    site_title = "SRO Portal administration"
    index_title = "Statewide records"

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_authenticated and user.is_state_staff

    def login(self, request, extra_context=None):
        # One sign-in page for everyone: the admin's own would demand the unused is_staff flag.
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return redirect_to_login(next_url)
        if self.has_permission(request):
            return redirect(next_url)
        raise PermissionDenied
