"""Every form of the site, posted hypothesis-generated values in every field by a person allowed to
use it: never a server error; either refused with nothing saved, or accepted and what it saved is
valid (full_clean)."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.generic.edit import BaseDeleteView, FormMixin
from hypothesis import event, given
from hypothesis import strategies as st

from sro_portal.imports import ImportMixin
from sro_portal.models import User
from sro_portal.roles import Role
from tests.factories import PASSWORD, RatingLinkFactory
from tests.fuzz.values import (
    NASTY,
    assert_nothing_saved,
    assert_saved_records_valid,
    example,
    fuzz_settings,
    post_data,
    snapshot,
)
from tests.sro_portal.test_url_access import (
    EXPECTED,
    POST_ONLY,
    _AnyTenant,
    kwargs_for,
    users_by_role,
)
from tests.two_factor import give_app

pytestmark = pytest.mark.django_db
RATING_TOKEN = "a-rating-link-for-the-fuzz-tests"

# Who fills each form in: a local role where one may, so that scoping is part of what is tried.
PREFERRED = [
    Role.DISTRICT_ADMIN,
    Role.SRO,
    Role.AGENCY_SUPERVISOR,
    Role.BUILDING_ADMIN,
    Role.STATE_STAFF,
]


def view_class(name):
    kwargs = dict.fromkeys(kwargs_for(name, _AnyTenant()), 1)
    return resolve(reverse(name, kwargs=kwargs)).func.view_class


def takes_input(name):
    cls = view_class(name)
    # Imports are fuzzed with files (test_imports.py); a delete confirmation has no field to fill.
    return (
        issubclass(cls, FormMixin)
        and not issubclass(cls, ImportMixin)
        and not issubclass(cls, BaseDeleteView)
    )


SIGNED_IN_FORMS = sorted(n for n in EXPECTED if takes_input(n))


def role_for(name):
    return next(role for role in PREFERRED if role in EXPECTED[name])


def touched_objects(tenant):
    """The tenant's objects a form may change."""
    return [
        tenant.program,
        tenant.mou,
        tenant.assignment,
        tenant.requirement,
        tenant.completion,
        tenant.entry,
        tenant.incident,
        tenant.action,
        tenant.complaint,
        tenant.contact,
        tenant.expectation,
        tenant.evaluation,
        tenant.staff_member,
        tenant.rating_round,
        tenant.rating_link,
        *tenant.parts.values(),
    ]


def fuzz_once(client, url, data, *, get=True, touched=()):
    """GET the form (unless it takes POST only), post `data` drawn from it, check the outcome."""
    form = None
    if get:
        page = client.get(url)
        assert page.status_code == 200, page
        form = page.context["form"]
    before = snapshot()
    response = client.post(url, data(form))
    assert response.status_code < 500
    event(f"answered {response.status_code}")
    if response.status_code in (301, 302, 303):
        assert_saved_records_valid(before, touched)
    else:
        form = response.context and response.context.get("form")
        if response.status_code == 200 and form is not None and form.is_bound:
            assert form.errors, "sent back without saying what is wrong"
        assert_nothing_saved(before, response)
    return response


def random_fields(draw, form):
    """For a page that takes POST only: its form's fields, and any other name."""
    names = list(form.base_fields) if form is not None else []
    names += draw(st.lists(st.text(min_size=1, max_size=12), max_size=3))
    return {name: draw(NASTY) for name in names}


@pytest.mark.parametrize("name", SIGNED_IN_FORMS)
@fuzz_settings
@given(st.data())
def test_a_signed_in_form_never_fails_nor_half_saves(client, tenant, state_staff, name, data):
    url = reverse(name, kwargs=kwargs_for(name, tenant))
    client.force_login(users_by_role(tenant, state_staff)[role_for(name)])
    with example():
        if name in POST_ONLY:
            form_class = getattr(view_class(name), "form_class", None)
            draw = lambda _form: random_fields(data.draw, form_class)  # noqa: E731
        else:
            draw = lambda form: post_data(data.draw, form)  # noqa: E731
        fuzz_once(client, url, draw, get=name not in POST_ONLY, touched=touched_objects(tenant))


@pytest.mark.parametrize(
    "name",
    [
        "accountability:complaint_create",
        "accountability:complaint_status",
        "login",
        "password_reset",
    ],
)
@fuzz_settings
@given(st.data())
def test_a_public_form_never_fails_nor_half_saves(client, tenant, name, data):
    with example():
        fuzz_once(client, reverse(name), lambda form: post_data(data.draw, form))


@fuzz_settings
@given(st.data())
def test_the_rating_page_never_fails_nor_half_saves(client, tenant, data):
    with example():
        link = RatingLinkFactory(round=tenant.rating_round, token=RATING_TOKEN)
        opened = client.get(reverse("programs:rate_link", kwargs={"token": RATING_TOKEN}))
        assert opened.status_code == 302
        draw = lambda form: post_data(data.draw, form)  # noqa: E731
        fuzz_once(client, reverse("programs:rate"), draw, touched=[link])


@fuzz_settings
@given(st.data())
def test_setting_a_new_password_never_fails(client, tenant, data):
    # As stored: signing in elsewhere changes the shared object's last_login, which the token signs.
    person = User.objects.get(pk=tenant.sro.pk)
    link = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        },
    )
    with example():
        opened = client.get(link)
        assert opened.status_code == 302  # on to the address without the token
        fuzz_once(client, opened.url, lambda form: post_data(data.draw, form))


@pytest.mark.parametrize("step", ["two_factor:verify", "two_factor:setup"])
@fuzz_settings
@given(st.data())
def test_the_second_sign_in_step_never_fails(client, tenant, step, data):
    person = tenant.district_admin
    if step == "two_factor:verify":
        give_app(person)  # else the step to pass is the setup
    response = client.post(reverse("login"), {"username": person.username, "password": PASSWORD})
    assert response.status_code == 302
    with example():
        assert client.get(reverse(step)).status_code == 200
        field = data.draw(st.sampled_from(["code", "recovery_code"]))
        sent = {field: data.draw(st.one_of(st.from_regex(r"\A[0-9]{6}\Z"), NASTY))}
        if data.draw(st.booleans()):
            sent["next"] = data.draw(st.one_of(st.just("/admin/"), NASTY))
        before = snapshot()
        response = client.post(reverse(step), sent)
        assert response.status_code < 500
        event(f"answered {response.status_code}")
        if response.status_code == 200:
            assert_nothing_saved(before, response)
