import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sro_portal.models import Agency, District, Membership, School
from sro_portal.roles import Role
from tests.factories import (
    AgencyFactory,
    MembershipFactory,
    SchoolFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "organisation"),
    [
        (Role.STATE_STAFF, "district"),
        (Role.DISTRICT_ADMIN, None),
        (Role.DISTRICT_ADMIN, "agency"),
        (Role.BUILDING_ADMIN, "district"),
        (Role.AGENCY_SUPERVISOR, "district"),
        (Role.SRO, None),
    ],
)
def test_the_database_refuses_a_role_in_the_wrong_kind_of_organisation(role, organisation):
    school = SchoolFactory()
    given = {
        None: {},
        "district": {"district": school.district},
        "agency": {"agency": AgencyFactory()},
    }[organisation]
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=UserFactory(), role=role, **given)


def test_clean_names_the_missing_and_the_superfluous_field():
    membership = Membership(user=UserFactory(), role=Role.SRO, district=SchoolFactory().district)
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert set(error.value.message_dict) >= {"agency", "district"}


def test_a_building_administrators_district_is_taken_from_the_school():
    school = SchoolFactory()
    membership = Membership(user=UserFactory(), role=Role.BUILDING_ADMIN, school=school)
    membership.full_clean()
    assert membership.district == school.district


def test_a_role_is_held_once_per_organisation():
    user = user_with_role(Role.SRO, agency=AgencyFactory())
    agency = user.memberships.get().agency
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(user=user, role=Role.SRO, agency=agency)


def test_one_person_may_hold_several_memberships_and_sees_the_union():
    school = SchoolFactory()
    other = SchoolFactory()
    agency = AgencyFactory()
    user = user_with_role(Role.DISTRICT_ADMIN, district=school.district)
    MembershipFactory(user=user, role=Role.BUILDING_ADMIN, school=other, district=other.district)
    MembershipFactory(user=user, role=Role.AGENCY_SUPERVISOR, agency=agency)
    user = type(user).objects.get(pk=user.pk)
    assert set(District.objects.visible_to(user)) == {school.district, other.district}
    assert set(School.objects.visible_to(user)) == {school, other}
    assert set(Agency.objects.visible_to(user)) == {agency}


def test_state_staff_and_superusers_see_everything():
    SchoolFactory.create_batch(3)
    AgencyFactory.create_batch(2)
    staff = user_with_role(Role.STATE_STAFF)
    superuser = UserFactory(is_superuser=True)
    for user in (staff, superuser):
        assert District.objects.visible_to(user).count() == 3
        assert School.objects.visible_to(user).count() == 3
        assert Agency.objects.visible_to(user).count() == 2


def test_a_user_without_a_membership_sees_nothing():
    SchoolFactory()
    AgencyFactory()
    user = UserFactory()
    for model in (District, School, Agency):
        assert not model.objects.visible_to(user).exists()


def test_an_anonymous_visitor_sees_nothing():
    from django.contrib.auth.models import AnonymousUser

    SchoolFactory()
    assert not School.objects.visible_to(AnonymousUser()).exists()


def test_agency_roles_see_their_agency_and_the_districts_it_has_programs_with(tenant, other_tenant):
    for user in (tenant.agency_supervisor, tenant.sro):
        assert list(Agency.objects.visible_to(user)) == [tenant.agency]
        assert list(District.objects.visible_to(user)) == [tenant.district]


def test_district_roles_see_the_agencies_their_district_has_programs_with(tenant, other_tenant):
    for user in (tenant.district_admin, tenant.building_admin):
        assert list(Agency.objects.visible_to(user)) == [tenant.agency]


def test_schools_an_agency_supervisor_and_an_sro_see(tenant, other_tenant):
    assert set(School.objects.visible_to(tenant.agency_supervisor)) == {
        tenant.school,
        tenant.other_school,
    }
    assert list(School.objects.visible_to(tenant.sro)) == [tenant.school]


def test_scope_is_read_in_one_query(tenant, django_assert_num_queries):
    user = type(tenant.district_admin).objects.get(pk=tenant.district_admin.pk)
    with django_assert_num_queries(1):
        assert user.scope.district_ids == {tenant.district.pk}
        assert user.scope.roles == {Role.DISTRICT_ADMIN}
