import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sro_portal.roles import Role
from tests.factories import (
    ComplaintFactory,
    MembershipFactory,
    NeedsAssessmentFactory,
    ProgramFactory,
    SchoolFactory,
    UserFactory,
    user_with_role,
)
from training.summary import refresh_all

pytestmark = pytest.mark.django_db


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_district_admin_home_shows_their_district_and_not_another(client, tenant, other_tenant):
    page = home(client, tenant.district_admin)
    assert "Your district" in page and tenant.district.name in page
    assert other_tenant.district.name not in page


def test_building_admin_home_shows_their_school(client, tenant):
    page = home(client, tenant.building_admin)
    assert "Your school" in page and tenant.school.name in page
    assert tenant.other_school.name not in page


@pytest.mark.parametrize("role", ["agency_supervisor", "sro"])
def test_agency_people_see_their_agency(client, tenant, other_tenant, role):
    page = home(client, getattr(tenant, role))
    assert "Your agency" in page and tenant.agency.name in page
    assert other_tenant.agency.name not in page


def test_state_staff_home_counts_statewide(client, tenant, other_tenant, state_staff):
    client.force_login(state_staff)
    response = client.get(reverse("home"))
    assert response.context["statewide"] == {"districts": 2, "schools": 4, "agencies": 2}


def test_an_account_without_a_role_is_told_so(client):
    assert "Your account has no role yet" in home(client, UserFactory())


@pytest.mark.parametrize("size", [1, 20])
def test_home_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, size):
    user = UserFactory()
    for _ in range(size):
        school = SchoolFactory()
        MembershipFactory(user=user, role=Role.DISTRICT_ADMIN, district=school.district)
        MembershipFactory(
            user=user, role=Role.BUILDING_ADMIN, school=school, district=school.district
        )
    refresh_all()  # the compliance summary, as the services and the daily command keep it
    client.force_login(user)
    # 23 (the staff roster among them), and two for this school year's enforcement by kind and
    # activity mix.
    with django_assert_max_num_queries(25):
        client.get(reverse("home"))


@pytest.mark.parametrize("name", ["directory:district_list", "directory:school_list"])
@pytest.mark.parametrize("size", [1, 30])
def test_directory_lists_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, name, size
):
    SchoolFactory.create_batch(size)
    client.force_login(user_with_role(Role.STATE_STAFF))
    with django_assert_max_num_queries(7):
        assert client.get(reverse(name)).status_code == 200


def test_an_sro_sees_their_assignments_and_whether_an_mou_covers_them(client, tenant):
    from tests.factories import MOUFactory

    page = home(client, tenant.sro)
    assert "Your assignments" in page and tenant.school.name in page
    assert "No signed MOU in force" in page
    MOUFactory(program=tenant.program, signed=True)
    assert "No signed MOU in force" not in home(client, tenant.sro)


@pytest.mark.parametrize("size", [1, 6])
def test_a_busy_district_home_runs_a_fixed_number_of_queries(
    client, tenant, django_assert_max_num_queries, size
):
    from programs.models import Program
    from tests.factories import (
        ComplaintFactory,
        EvaluationFactory,
        MOUFactory,
        ProgramFactory,
    )

    for _ in range(size):
        program = ProgramFactory(
            district=tenant.district, agency=tenant.agency, status=Program.Status.ACTIVE
        )
        MOUFactory(program=program, signed=True)
        ComplaintFactory(program=program)
        EvaluationFactory(program=program)
    refresh_all()  # the compliance summary, as the services and the daily command keep it
    for user in (tenant.district_admin, tenant.agency_supervisor):
        client.force_login(user)
        with django_assert_max_num_queries(30):
            assert client.get(reverse("home")).status_code == 200


def test_nothing_to_attend_to_is_said_only_when_true(client):
    school = SchoolFactory()
    admin = user_with_role(Role.DISTRICT_ADMIN, district=school.district)
    program = ProgramFactory(district=school.district)
    NeedsAssessmentFactory(program=program)
    client.force_login(admin)
    assert "Nothing needs your attention" in client.get(reverse("home")).content.decode()
    ComplaintFactory(program=program, acknowledge_by=datetime.date.today() - datetime.timedelta(2))
    page = client.get(reverse("home")).content.decode()
    assert "Nothing needs your attention" not in page
    assert "1 complaint not acknowledged in time." in page


def test_an_sros_home_starts_with_logging_an_activity(client, tenant):
    page = home(client, tenant.sro)
    main = page[page.index("<main") :]
    first_link = main[main.index("<a ") :]
    assert first_link.startswith(
        f'<a class="btn btn-primary btn-lg" href="{reverse("incidents:activity_create")}"'
    )
    assert reverse("incidents:incident_create") in main


def test_only_an_sro_is_offered_the_log(client, tenant):
    page = home(client, tenant.district_admin)
    assert reverse("incidents:activity_create") not in page


def test_new_complaints_and_late_ones_are_told_apart(client, tenant):
    late = ComplaintFactory(program=tenant.program)
    type(late).objects.filter(pk=late.pk).update(
        acknowledge_by=datetime.date.today() - datetime.timedelta(days=3)
    )
    page = home(client, tenant.district_admin)
    # The tenant's own complaint is new (within its deadline); the other is late.
    assert "1 new complaint to acknowledge." in page
    assert "1 complaint not acknowledged in time." in page
    assert f"{reverse('accountability:complaint_list')}?status=received" in page
    response = client.get(reverse("accountability:complaint_list"), {"status": "received"})
    assert len(response.context["object_list"]) == 2


def test_the_staff_training_summary_counts_the_roster_too(client, tenant):
    from tests.factories import StaffMemberFactory

    client.force_login(tenant.district_admin)
    before = sum(client.get(reverse("home")).context["staff_training"].values())
    StaffMemberFactory(school=tenant.school)
    StaffMemberFactory(school=tenant.school, left_on=timezone.localdate() - datetime.timedelta(1))
    after = sum(client.get(reverse("home")).context["staff_training"].values())
    assert after == before + 1, "the one still working there, not the one who left"
