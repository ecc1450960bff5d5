"""Pages of the second sign-in step (sro_portal/two_factor.py): passing it, setting up an
authenticator app, and the recovery codes."""

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.generic import TemplateView

from . import two_factor
from .audit import Actor, audit_record
from .models import AuditLog
from .network import count_use, over_limit

PENDING_KEY = "two_step_pending_key"
NEW_CODES = "two_step_new_codes"
SECOND_STEP = "second_step"


def user_key(group, request) -> str:
    return str(request.user.pk)


class AppCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        help_text="The 6 digits the app shows for the SRO Portal.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class RecoveryCodeForm(forms.Form):
    recovery_code = forms.CharField(
        label="Recovery code",
        max_length=20,
        help_text="Each recovery code works once.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def next_url(request) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


class VerifyView(LoginRequiredMixin, TemplateView):
    """After the password: a code from the app, or a recovery code. A wrong code counts as a
    failed sign-in (django-axes locks the username and address after five), and codes may be
    tried five times in fifteen minutes per address and per person."""

    template_name = "two_factor/verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not two_factor.has_device(request.user):
            return redirect("two_factor:setup")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", AppCodeForm())
        kwargs.setdefault("recovery_form", RecoveryCodeForm())
        kwargs["next"] = next_url(self.request)
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        recovery = "recovery_code" in request.POST
        form = (RecoveryCodeForm if recovery else AppCodeForm)(request.POST)
        context = {"recovery_form": form} if recovery else {"form": form}
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(**context))
        field = "recovery_code" if recovery else "code"
        user = request.user
        if over_limit(request, "two-step") or over_limit(request, "two-step-user", key=user_key):
            form.add_error(field, "Too many codes tried: please try again in 15 minutes.")
            return self.render_to_response(self.get_context_data(**context))
        device = two_factor.check_code(user, form.cleaned_data[field])
        method = "recovery code" if recovery else "authenticator app"
        if device is None:
            return self.refuse(form, field, method, context)
        django_otp.login(request, device)
        audit_record(
            actor=Actor.from_request(request),
            action=AuditLog.Action.LOGIN,
            instance=user,
            detail={SECOND_STEP: method},
        )
        if recovery:
            left = device.token_set.count()
            messages.warning(
                request,
                f"Recovery code used: {left} left. Make new ones under Two-step sign-in "
                "in your account menu.",
            )
        return redirect(next_url(request))

    def refuse(self, form, field, method, context):
        request = self.request
        user = request.user
        count_use(request, "two-step")
        count_use(request, "two-step-user", key=user_key)
        audit_record(
            actor=Actor.from_request(request),
            action=AuditLog.Action.LOGIN_FAILED,
            instance=user,
            detail={SECOND_STEP: method},
        )
        # The same count as a wrong password: five lock the username and the address.
        credentials = {"username": user.get_username()}
        AxesProxyHandler.user_login_failed(
            sender=VerifyView, credentials=credentials, request=request
        )
        if getattr(request, "axes_locked_out", False):
            # AxesMiddleware answers with the lockout page; the half-signed-in session ends.
            logout(request)
            return redirect("login")
        form.add_error(field, "That code is not right, or was already used. Try again.")
        return self.render_to_response(self.get_context_data(**context))


class SetupView(LoginRequiredMixin, TemplateView):
    """Set up an authenticator app: scan the QR code (or type the secret), then type the code
    it shows. Setting up again replaces the earlier app; that needs a verified session, so that
    a password alone cannot swap a person's app for an intruder's."""

    template_name = "two_factor/setup.html"

    def dispatch(self, request, *args, **kwargs):
        if (
            request.user.is_authenticated
            and not two_factor.is_verified(request)
            and two_factor.has_device(request.user)
        ):
            return redirect(f"{reverse('two_factor:verify')}?{request.GET.urlencode()}")
        return super().dispatch(request, *args, **kwargs)

    def pending_key(self) -> str:
        session = self.request.session
        if PENDING_KEY not in session:
            session[PENDING_KEY] = two_factor.new_key()
        return session[PENDING_KEY]

    def get_context_data(self, **kwargs):
        key = self.pending_key()
        device = two_factor.unsaved_app_device(self.request.user, key)
        kwargs.setdefault("form", AppCodeForm())
        kwargs.update(
            qr_code=two_factor.qr_data_uri(device.config_url),
            secret=two_factor.secret_of(key),
            required=two_factor.is_required(self.request.user),
            replacing=two_factor.has_device(self.request.user),
            next=next_url(self.request),
        )
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = AppCodeForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        confirmed = two_factor.confirm_app_device(
            user=request.user, key=self.pending_key(), code=form.cleaned_data["code"]
        )
        if confirmed is None:
            form.add_error(
                "code",
                "That code does not match: check the app's clock and type the code it shows now.",
            )
            return self.render_to_response(self.get_context_data(form=form))
        device, codes = confirmed
        del request.session[PENDING_KEY]
        request.session[NEW_CODES] = codes
        django_otp.login(request, device)
        audit_record(
            actor=Actor.from_request(request), action=AuditLog.Action.CREATE, instance=device
        )
        messages.success(request, "Two-step sign-in is set up.")
        query = urlencode({REDIRECT_FIELD_NAME: next_url(request)})
        return redirect(f"{reverse('two_factor:recovery_codes')}?{query}")


class RecoveryCodesView(LoginRequiredMixin, TemplateView):
    """The recovery codes: shown once when made, then only how many are left; new ones replace
    them all."""

    template_name = "two_factor/recovery_codes.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        device = two_factor.recovery_device(user)
        kwargs.update(
            new_codes=self.request.session.pop(NEW_CODES, None),
            has_app=two_factor.has_device(user),
            codes_left=device.token_set.count() if device else 0,
            next=next_url(self.request),
        )
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        if not two_factor.has_device(request.user):
            return redirect("two_factor:setup")
        request.session[NEW_CODES] = two_factor.new_recovery_codes(user=request.user)
        audit_record(
            actor=Actor.from_request(request),
            action=AuditLog.Action.CREATE,
            instance=two_factor.recovery_device(request.user),
        )
        return redirect("two_factor:recovery_codes")
