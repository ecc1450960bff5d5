"""The public pages: a district's published page shows what it published and nothing else, the
same 404 for an unknown district and an unpublished one, no cookie, cacheable, in Spanish too,
every student count suppressed on the page and in its CSV, bad query strings refused clearly."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accountability.models import Enrollment, PublicPage
from accountability.public import public_years
from programs.models import Program
from sro_portal.models import AuditLog
from tests.factories import (
    ActivityLogFactory,
    ComplaintFactory,
    ContactFactory,
    EnforcementActionFactory,
    MOUFactory,
)

pytestmark = pytest.mark.django_db


def publish(tenant, **sections):
    Program.objects.filter(pk=tenant.program.pk).update(status=Program.Status.ACTIVE)
    values = dict.fromkeys(PublicPage.SECTIONS, False)
    values.update(sections)
    page = PublicPage.objects.create(
        district=tenant.district, published=True, published_at=timezone.now(), **values
    )
    return page


def url(tenant, **query):
    base = reverse("public:district", args=[tenant.district.dpi_code])
    if query:
        base += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return base


def test_a_published_page_shows_exactly_the_published_sections(client, tenant):
    secret = ContactFactory(program=tenant.program, name="Hidden Person")
    shown = ContactFactory(program=tenant.program, name="Shown Person", email="shown@example.org")
    MOUFactory(program=tenant.program, signed=True, district_signatory="Dana Signer")
    page = publish(tenant, show_mou=True, show_contacts=True)
    page.contacts.set([shown])
    html = client.get(url(tenant)).content.decode()
    assert tenant.district.name in html
    assert "Memorandum of Understanding" in html and "Dana Signer" not in html
    assert "Shown Person" in html and secret.name not in html
    assert 'id="programs-heading"' not in html
    assert 'id="protocol-heading"' not in html
    assert 'id="numbers-heading"' not in html
    assert reverse("accountability:complaint_create") in html


def test_programs_and_numbers_show_when_published(client, tenant):
    MOUFactory(program=tenant.program, signed=True)
    publish(tenant, show_programs=True, show_enforcement=True, show_complaints=True)
    html = client.get(url(tenant)).content.decode()
    assert tenant.agency.name in html and tenant.school.name in html
    assert 'id="numbers-heading"' in html and "<10" in html
    assert "Hours" not in html  # the activity was not published


def test_unknown_and_unpublished_districts_answer_the_same_404(client, tenant, other_tenant):
    PublicPage.objects.create(district=other_tenant.district, published=False, show_mou=True)
    unpublished = client.get(url(other_tenant))
    unknown = client.get(reverse("public:district", args=["NOPE"]))
    assert unpublished.status_code == unknown.status_code == 404
    assert unpublished.content == unknown.content


@pytest.mark.parametrize("name", ["public:home", "public:district"])
def test_public_pages_set_no_cookie_and_are_cacheable(client, tenant, name):
    publish(tenant, show_programs=True, show_enforcement=True)
    client.force_login(tenant.district_admin)  # even a signed-in visitor gets the public page
    target = reverse(name) if name == "public:home" else url(tenant)
    response = client.get(target)
    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert "Accept-Language" in response["Vary"]
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert 'method="post"' not in response.content.decode()


def test_spanish(client, tenant):
    publish(tenant, show_programs=True, show_enforcement=True)
    html = client.get(url(tenant, lang="es")).content.decode()
    assert '<html lang="es">' in html
    assert "Programas y agencias asociadas" in html
    home = client.get(reverse("public:home"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Programas de Agentes de Recursos Escolares en Wisconsin" in home
    assert '<html lang="en">' in client.get(url(tenant)).content.decode()


def test_home_lists_and_searches_published_districts(client, tenant, other_tenant):
    publish(tenant)
    html = client.get(reverse("public:home")).content.decode()
    assert tenant.district.name in html and other_tenant.district.name not in html
    found = client.get(reverse("public:home"), {"q": tenant.school.name[:8]}).content.decode()
    assert tenant.district.name in found
    none = client.get(reverse("public:home"), {"q": "zzzz"}).content.decode()
    assert tenant.district.name not in none


def test_anonymous_visitors_to_the_root_land_on_the_public_home(client):
    response = client.get("/")
    assert response.status_code == 302 and response.url == reverse("public:home")
    assert reverse("public:home") in client.get(reverse("login")).content.decode()


def kind_rows(tenant):
    EnforcementAction = tenant.action.__class__
    EnforcementAction.objects.all().delete()
    EnforcementActionFactory.create_batch(3, incident=tenant.incident, kind="arrest")
    EnforcementActionFactory.create_batch(20, incident=tenant.incident, kind="referral")


def test_small_numbers_are_suppressed_on_the_page_and_in_the_csv(client, tenant):
    publish(tenant, show_enforcement=True)
    kind_rows(tenant)
    response = client.get(url(tenant))
    table = response.context["years"][0].tables[0]
    assert table.name == "kind"
    shown = {row[0]: row[1] for row in table.rows}
    assert shown == {
        "Arrest": "<10",
        "Citation or ticket": 0,
        "Custody": 0,
        "Referral to law enforcement": "*",
    }
    assert table.total[1] == 23
    year = public_years()[0]
    download = client.get(url(tenant, download="kind", year=year))
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    assert not download.cookies
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0][:2] == ["Kind", "Actions"]
    body = {row[0]: row[1] for row in rows[1:6]}
    assert body["Arrest"] == "<10" and body["Referral to law enforcement"] == "*"
    assert body["Citation or ticket"] == "0"


def test_complaint_counts_are_suppressed(client, tenant):
    publish(tenant, show_complaints=True)
    ComplaintFactory.create_batch(2, program=tenant.program, school=tenant.school)
    table = client.get(url(tenant)).context["years"][0].tables[0]
    assert table.name == "complaints"
    assert table.total[1] == "<10"


@pytest.mark.parametrize(
    "query",
    [
        {"download": "nope", "year": "2025"},
        {"download": "kind", "year": "1999"},
        {"download": "kind", "year": "abc"},
        {"download": "activity", "year": "{year}"},  # not published
        {"year": "{year}"},
    ],
)
def test_bad_query_strings_are_refused_clearly(client, tenant, query):
    publish(tenant, show_enforcement=True)
    year = str(public_years()[0])
    query = {k: v.replace("{year}", year) for k, v in query.items()}
    response = client.get(url(tenant, **query))
    assert response.status_code == 400
    assert "offers no" in response.content.decode()
    assert not response.cookies


def test_query_count_does_not_grow_with_the_data(client, tenant):
    publish(
        tenant,
        show_programs=True,
        show_responsibilities=True,
        show_protocol=True,
        show_mou=True,
        show_contacts=True,
        show_enforcement=True,
        show_activity=True,
        show_complaints=True,
    )
    MOUFactory(program=tenant.program, signed=True)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(tenant)).status_code == 200
        return len(queries)

    small = count()
    EnforcementActionFactory.create_batch(15, incident=tenant.incident, student_race="black")
    ComplaintFactory.create_batch(5, program=tenant.program, school=tenant.school)
    ActivityLogFactory.create_batch(5, assignment=tenant.assignment)
    contacts = ContactFactory.create_batch(3, program=tenant.program)
    PublicPage.objects.get(district=tenant.district).contacts.set(contacts)
    assert count() == small


def test_district_admins_publish_through_the_settings_page(client, tenant):
    contact = ContactFactory(program=tenant.program, name="Public Contact")
    client.force_login(tenant.district_admin)
    settings_url = reverse("accountability:public_page_settings")
    assert client.get(settings_url).status_code == 200
    response = client.post(
        settings_url,
        {
            "district": tenant.district.pk,
            "published": "on",
            "show_contacts": "on",
            "contacts": [contact.pk],
        },
    )
    assert response.status_code == 302
    page = PublicPage.objects.get(district=tenant.district)
    assert page.published and page.published_at and page.updated_by == tenant.district_admin
    assert AuditLog.objects.filter(object_id=str(page.pk), action="create").exists()
    preview = client.get(reverse("accountability:public_page_preview", args=[tenant.district.pk]))
    assert preview.status_code == 200 and "Public Contact" in preview.content.decode()
    client.logout()
    assert "Public Contact" in client.get(url(tenant)).content.decode()


def test_the_settings_page_refuses_another_district(client, tenant, other_tenant):
    client.force_login(tenant.district_admin)
    settings_url = reverse("accountability:public_page_settings")
    assert client.get(settings_url, {"district": other_tenant.district.pk}).status_code == 404
    preview = reverse("accountability:public_page_preview", args=[other_tenant.district.pk])
    assert client.get(preview).status_code == 404


def test_rates_come_from_shown_counts_and_small_enrollment_is_hidden(client, tenant):
    publish(tenant, show_enforcement=True)
    tenant.action.__class__.objects.all().delete()
    EnforcementActionFactory.create_batch(20, incident=tenant.incident, student_race="white")
    Enrollment.objects.create(
        school=tenant.school,
        school_year=public_years()[0],
        total=545,
        white=500,
        black=5,
        hispanic=40,
    )
    tables = {t.name: t for t in client.get(url(tenant)).context["years"][0].tables}
    race = {row[0]: row[1:] for row in tables["race"].rows}
    assert race["White"] == [20, 500, "4.0"]
    assert race["Black or African American"][1] == "<10"
    assert race["Black or African American"][2] == "—"
    assert race["Hispanic/Latino"][1] == "*"  # withheld, or the hidden 5 could be worked out


def test_district_admins_find_the_settings_from_their_home(client, tenant):
    client.force_login(tenant.district_admin)
    html = client.get(reverse("home")).content.decode()
    assert reverse("accountability:public_page_settings") in html


def test_the_demo_publishes_one_district_whose_small_numbers_are_suppressed(client):
    import io

    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    page = client.get("/public/districts/9101/").content.decode()
    assert "Lakeshore Area School District" in page
    assert "&lt;10" in page, "the demo's small groups show suppressed"
    assert client.get("/public/districts/9102/").status_code == 404, "Driftless has not published"
