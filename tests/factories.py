import factory
from factory.django import DjangoModelFactory

from programs.models import Agency, District, Grade, School
from sro_portal.models import Membership, User
from sro_portal.roles import Role

PASSWORD = "correct-horse-battery"


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["dpi_code"]

    name = factory.Sequence(lambda n: f"District {n} School District")
    dpi_code = factory.Sequence(lambda n: f"{1000 + n:04d}")
    county = "Dane"
    cesa = 2


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"School {n}")
    dpi_code = factory.Sequence(lambda n: f"{n % 10000:04d}")
    lowest_grade = Grade.G9
    highest_grade = Grade.G12
    enrollment = 800


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Town {n} Police Department")
    kind = Agency.Kind.POLICE_DEPARTMENT
    ori = factory.Sequence(lambda n: f"WI{n:07d}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.STATE_STAFF


def user_with_role(role, *, district=None, school=None, agency=None, **user_fields):
    """A user holding one membership; the organisation must suit the role."""
    if school is not None:
        district = school.district
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, role=role, district=district, school=school, agency=agency)
    return user
