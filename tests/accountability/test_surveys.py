"""Climate survey results on the site: district administrators list, filter, download and import
their own schools' results (state staff every district's), with the same checks as the admin's
import; a download imports again unchanged."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accountability.models import SurveyResult
from accountability.resources import SURVEY_HEADERS
from sro_portal.models import AuditLog
from sro_portal.schoolyear import school_year_label, school_year_of
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

URL = reverse("accountability:surveys")
SURVEY_FIELDS = ["school", "school_year", "audience", "question", "respondents", "agree"]
HEADER = "School code,School year,Audience,Question,Respondents,Agree or strongly agree"


def code(school):
    return f"{school.district.dpi_code}-{school.dpi_code}"


def row(school, year="2025-26", audience="students", question="I feel safe.", n=100, agree=70):
    return f"{code(school)},{year},{audience},{question},{n},{agree}"


def csv_file(*rows, name="surveys.csv", header=HEADER):
    return SimpleUploadedFile(name, ("\n".join([header, *rows]) + "\n").encode())


def preview(client, upload):
    return client.post(URL, {"action": "preview", "file": upload})


def confirm(client, response):
    return client.post(
        URL, {"action": "confirm", "token": response.context["importer"]["pending"]["token"]}
    )


def imports():
    return list(AuditLog.objects.filter(action=AuditLog.Action.IMPORT))


def problems(response):
    return [(p.get("row"), p.get("field"), p["reason"]) for p in response.context["problems"]]


def result(school, year=2025, audience="students", question="I feel safe.", n=100, agree=70):
    return SurveyResult.objects.create(
        school=school,
        school_year=year,
        audience=audience,
        question=question,
        respondents=n,
        agree=agree,
    )


def table(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


# Who may open the page, and what each sees.


def test_other_roles_may_not_open_or_import(client, tenant):
    for user in (tenant.building_admin, tenant.agency_supervisor, tenant.sro):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.get(URL, {"export": "csv"}).status_code == 403
        assert preview(client, csv_file(row(tenant.school))).status_code == 403
    assert not SurveyResult.objects.exists()
    assert imports() == []


def test_each_sees_and_downloads_only_their_districts_results(
    client, tenant, other_tenant, state_staff
):
    result(tenant.school)
    result(other_tenant.school)
    client.force_login(tenant.district_admin)
    page = client.get(URL)
    assert [r.school for r in page.context["object_list"]] == [tenant.school]
    rows = table(client.get(URL, {"export": "csv"}))
    assert [r[1] for r in rows[1 : rows.index([])]] == [tenant.school.name]
    client.force_login(state_staff)
    assert len(client.get(URL).context["object_list"]) == 2
    rows = table(client.get(URL, {"export": "csv"}))
    assert {r[1] for r in rows[1 : rows.index([])]} == {
        tenant.school.name,
        other_tenant.school.name,
    }


def test_a_school_of_another_district_is_refused_as_a_filter(client, tenant, other_tenant):
    result(tenant.school)
    client.force_login(tenant.district_admin)
    page = client.get(URL, {"school": other_tenant.school.pk})
    assert "school" in page.context["filter"].form.errors
    # A refused filter never downloads something other than what was asked.
    response = client.get(URL, {"school": other_tenant.school.pk, "export": "csv"})
    assert response["Content-Type"].startswith("text/html")


def test_a_malformed_school_year_filter_is_explained_beside_it(client, tenant):
    result(tenant.school)
    client.force_login(tenant.district_admin)
    page = client.get(URL, {"school_year": "2025/26"})
    assert page.status_code == 200
    errors = page.context["filter"].form.errors["school_year"]
    assert errors == ["2025/26 is not a school year: write it as 2025-26."]
    assert 'value="2025/26"' in page.content.decode()


def test_the_admin_download_writes_codes_and_labels_in_a_fixed_number_of_queries(
    client, tenant, state_staff, django_assert_max_num_queries
):
    for n in range(20):
        result(tenant.school, question=f"Question {n}", audience="staff")
    client.force_login(state_staff)
    with django_assert_max_num_queries(10):
        response = client.post(
            reverse("admin:accountability_surveyresult_export"),
            {
                "format": "0",
                "resource": "0",
                **{f"surveyresultresource_{f}": "on" for f in SURVEY_FIELDS},
            },
        )
    rows = table(response)
    assert rows[0] == [SURVEY_HEADERS[f] for f in SURVEY_FIELDS]
    assert rows[1][:3] == [code(tenant.school), "2025-26", "Staff"]


def test_the_list_filters_and_the_download_says_so_with_labels(client, tenant):
    result(tenant.school, question="I feel safe.", n=200, agree=150)
    result(tenant.school, audience="families", question="The SRO is fair.", n=40, agree=30)
    result(tenant.other_school, year=2024)
    client.force_login(tenant.district_admin)
    query = {"school_year": "2025-26", "audience": "families", "question": "fair"}
    page = client.get(URL, query)
    assert [r.question for r in page.context["object_list"]] == ["The SRO is fair."]
    rows = table(client.get(URL, {**query, "export": "csv"}))
    assert rows[0] == list(SURVEY_HEADERS.values())
    assert rows[0] == [
        "District",
        "School name",
        "School code",
        "School year",
        "Audience",
        "Question",
        "Respondents",
        "Agree or strongly agree",
        "Percent agreeing",
    ]
    assert rows[1] == [
        tenant.district.name,
        tenant.school.name,
        code(tenant.school),
        "2025-26",
        "Families",
        "The SRO is fair.",
        "40",
        "30",
        "75",
    ]
    assert rows[2] == []
    about = dict(r for r in rows[3:] if len(r) == 2)
    assert about["School year"] == "2025-26"
    assert about["Audience"] == "Families"
    assert about["Question contains"] == "fair"
    xlsx = client.get(URL, {"export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_page_and_the_download_run_a_fixed_number_of_queries(
    client, tenant, django_assert_max_num_queries
):
    client.force_login(tenant.district_admin)
    for n in range(30):
        result(tenant.school if n % 2 else tenant.other_school, question=f"Question {n}")
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(8):
        assert len(table(client.get(URL, {"export": "csv"}))) > 30


# The import.


def test_the_page_lists_the_columns_and_the_audiences_with_their_meanings(client, tenant):
    client.force_login(tenant.district_admin)
    page = client.get(URL).content.decode()
    for value, label in SurveyResult.Audience.choices:
        assert f"<code>{value}</code>" in page
        assert f'<dd class="mb-1">{label}</dd>' in page
    assert "district code-school code, e.g. 3619-0120" in page
    assert "no more than the respondents" in page


def test_the_template_has_the_header_and_example_rows(client, tenant):
    client.force_login(tenant.district_admin)
    response = client.get(URL, {"download": "template"})
    assert response["Content-Type"].startswith("text/csv")
    rows = table(response)
    assert rows[0] == list(SURVEY_HEADERS.values())
    assert [r[3:5] for r in rows[1:]] == [["2025-26", "students"], ["2025-26", "families"]]
    # One of the administrator's own schools, so the template imports as it is.
    own = {f"{s.district.dpi_code}-{s.dpi_code}" for s in (tenant.school, tenant.other_school)}
    assert {r[2] for r in rows[1:]} <= own


def test_a_preview_saves_nothing_and_the_confirmation_imports_and_audits_once(client, tenant):
    client.force_login(tenant.district_admin)
    response = preview(
        client,
        csv_file(
            row(tenant.school),
            row(tenant.other_school, year="2024", audience="Community", n=12, agree=0),
        ),
    )
    assert response.status_code == 200
    assert response.context["importer"]["pending"]["rows"] == 2
    assert not SurveyResult.objects.exists(), "the preview is a dry run"
    assert imports() == []
    assert confirm(client, response).status_code == 302
    saved = SurveyResult.objects.get(school=tenant.school)
    assert (saved.district, saved.school_year, saved.audience) == (
        tenant.district,
        2025,
        "students",
    )
    assert (saved.respondents, saved.agree, saved.percent_agree) == (100, 70, 70)
    other = SurveyResult.objects.get(school=tenant.other_school)
    assert (other.school_year, other.audience, other.agree) == (2024, "community", 0)
    [entry] = imports()
    assert entry.actor == tenant.district_admin
    assert entry.detail["model"] == "accountability.SurveyResult"
    assert entry.detail["outcome"] == "accepted"
    assert entry.detail["totals"] == {"new": 2}


def test_a_reimport_updates_the_result_and_field_names_are_accepted(client, tenant):
    client.force_login(tenant.district_admin)
    confirm(client, preview(client, csv_file(row(tenant.school))))
    header = "school,school_year,audience,question,respondents,agree"
    confirm(client, preview(client, csv_file(row(tenant.school, agree=80), header=header)))
    assert SurveyResult.objects.get().agree == 80


def test_every_bad_row_is_refused_with_its_reason_and_nothing_is_saved(
    client, tenant, other_tenant
):
    future = school_year_label(school_year_of(timezone.localdate()) + 1)
    client.force_login(tenant.district_admin)
    response = preview(
        client,
        csv_file(
            row(tenant.school),
            row(tenant.school, question="Q2", n=50, agree=60),
            row(tenant.school, question="Q3", n=-5, agree=0),
            row(tenant.school, question="Q4", agree=-1),
            "9999-9999,2025-26,students,Q5,100,70",
            row(other_tenant.school, question="Q6"),
            row(tenant.school, question="Q7", year=future),
            row(tenant.school, question="Q8", audience="teachers"),
            row(tenant.school, agree=71),
            row(tenant.school, question="Q10", n=0, agree=0),
        ),
    )
    assert response.context["importer"]["pending"] is None
    found = problems(response)
    assert (3, "Agree or strongly agree", "More agreed than responded.") in found
    assert (
        4,
        "Respondents",
        "'-5' is not a number of respondents: write a whole number, 0 or more.",
    ) in found
    assert any(r == 5 and f == "Agree or strongly agree" and "'-1'" in why for r, f, why in found)
    assert any(r == 6 and f == "School code" and "9999-9999" in why for r, f, why in found)
    assert (
        7,
        "School code",
        f"{other_tenant.school.name} ({other_tenant.district.name}) is not a school of a "
        "district you administer.",
    ) in found
    assert any(r == 8 and f == "School year" and "has not started" in why for r, f, why in found)
    assert any(
        r == 9 and f == "Audience" and "'teachers' is not one of the allowed values" in why
        for r, f, why in found
    )
    reason = "Row 2 already gives this school, school year, audience and question: one row each."
    assert (10, None, reason) in found
    assert any(r == 11 and f == "Respondents" and "Nobody answered" in why for r, f, why in found)
    assert not any(r == 2 for r, _, _ in found)
    page = response.content.decode()
    assert "nothing was saved" in page
    assert not SurveyResult.objects.exists()
    [entry] = imports()
    assert entry.detail["outcome"] == "refused"
    assert entry.detail["rows"] == 10


def test_a_row_repeated_exactly_is_refused(client, tenant):
    client.force_login(tenant.district_admin)
    response = preview(client, csv_file(row(tenant.school), row(tenant.school)))
    assert (3, None, "It repeats row 2 exactly.") in problems(response)
    assert not SurveyResult.objects.exists()


def test_a_file_with_an_unknown_column_is_refused_and_audited(client, tenant):
    client.force_login(tenant.district_admin)
    response = preview(client, csv_file(row(tenant.school) + ",x", header=HEADER + ",Grade"))
    [(_, _, reason)] = problems(response)
    assert reason.startswith("The file has columns this import does not know: Grade.")
    [entry] = imports()
    assert entry.detail["outcome"] == "refused"


def test_state_staff_may_import_any_districts_schools(client, tenant, other_tenant, state_staff):
    client.force_login(state_staff)
    confirm(client, preview(client, csv_file(row(tenant.school), row(other_tenant.school))))
    assert SurveyResult.objects.count() == 2


def test_the_template_round_trips_through_the_download(client, tenant):
    """The template's rows import; the download of the list imports again and changes nothing."""
    school = SchoolFactory(district__dpi_code="3619", dpi_code="0120")
    admin = tenant.district_admin
    admin.memberships.create(role="district_admin", district=school.district)
    client.force_login(admin)
    template = client.get(URL, {"download": "template"}).content
    confirm(client, preview(client, SimpleUploadedFile("template.csv", template)))
    before = list(SurveyResult.objects.order_by("pk").values())
    assert len(before) == 2

    download = client.get(URL, {"export": "xlsx"}).content
    assert openpyxl.load_workbook(io.BytesIO(download)).active.max_row == 3
    response = preview(client, SimpleUploadedFile("download.xlsx", download))
    assert response.context["problems"] == []
    assert response.context["importer"]["pending"]["totals"] == {"skip": 2}
    confirm(client, response)
    assert list(SurveyResult.objects.order_by("pk").values()) == before


# The admin: state staff import with the same headers and the same checks.


def admin_upload(client, content, name="surveys.csv"):
    return client.post(
        reverse("admin:accountability_surveyresult_import"),
        {"import_file": SimpleUploadedFile(name, content.encode()), "format": "0", "resource": "0"},
    )


def test_state_staff_import_the_sites_file_in_the_admin(client, tenant, state_staff):
    client.force_login(state_staff)
    response = admin_upload(client, "\n".join([HEADER, row(tenant.school, audience="Staff")]))
    form = response.context["confirm_form"]
    done = client.post(reverse("admin:accountability_surveyresult_process_import"), form.initial)
    assert done.status_code == 302
    saved = SurveyResult.objects.get()
    assert (saved.school_year, saved.audience) == (2025, "staff")
    [entry] = imports()
    assert entry.detail["model"] == "accountability.SurveyResult"


def test_the_admin_refuses_what_the_site_refuses(client, tenant, state_staff):
    future = school_year_label(school_year_of(timezone.localdate()) + 1)
    client.force_login(state_staff)
    content = "\n".join(
        [
            HEADER,
            row(tenant.school),
            row(tenant.school, agree=-3, question="Q2"),
            row(tenant.school, year=future, question="Q3"),
            row(tenant.school, audience="pupils", question="Q4"),
            row(tenant.school, agree=60),
        ]
    )
    response = admin_upload(client, content)
    assert "confirm_form" not in response.context
    invalid = {r.number: r.error_dict for r in response.context["result"].invalid_rows}
    assert set(invalid) == {2, 3, 4, 5}
    assert "agree" in invalid[2]
    assert "has not started" in invalid[3]["school_year"][0]
    assert "not one of the allowed values" in invalid[4]["audience"][0]
    assert "already gives this school" in invalid[5]["__all__"][0]
    assert not SurveyResult.objects.exists()


def test_the_admin_refuses_an_unknown_column(client, tenant, state_staff):
    client.force_login(state_staff)
    response = admin_upload(client, "\n".join([HEADER + ",Grade", row(tenant.school) + ",9"]))
    assert "confirm_form" not in response.context
    [error] = response.context["result"].base_errors
    assert "does not know: Grade" in str(error.error)
    assert not SurveyResult.objects.exists()


def test_the_reports_page_links_the_results_for_those_who_may_open_them(client, tenant):
    client.force_login(tenant.district_admin)
    assert URL in client.get(reverse("accountability:reports")).content.decode()
    client.force_login(tenant.sro)
    assert URL not in client.get(reverse("accountability:reports")).content.decode()


def test_the_admins_own_form_refuses_a_year_not_started_and_nobody_answering(
    client, tenant, state_staff
):
    client.force_login(state_staff)
    next_year = school_year_of(timezone.localdate()) + 1
    response = client.post(
        reverse("admin:accountability_surveyresult_add"),
        {
            "school": tenant.school.pk,
            "school_year": next_year,
            "audience": "students",
            "question": "I feel safe at school.",
            "respondents": 0,
            "agree": 0,
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "has not started" in errors["school_year"][0]
    assert "Nobody answered" in errors["respondents"][0]
    assert not SurveyResult.objects.exists()
