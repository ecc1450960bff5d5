import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sro_portal.models import Grade
from tests.factories import AgencyFactory, DistrictFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def test_grades_read_as_a_span():
    assert SchoolFactory.build(lowest_grade=Grade.PRE_K, highest_grade=Grade.G5).grades == "PK-5"
    assert SchoolFactory.build(lowest_grade=Grade.G9, highest_grade=Grade.G9).grades == "9"


def test_the_database_refuses_grades_in_the_wrong_order():
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolFactory(lowest_grade=Grade.G12, highest_grade=Grade.G9)


def test_clean_puts_the_grade_order_error_beside_the_field():
    school = SchoolFactory.build(
        district=DistrictFactory(), lowest_grade=Grade.G12, highest_grade=Grade.G9
    )
    with pytest.raises(ValidationError) as error:
        school.full_clean()
    assert "highest_grade" in error.value.message_dict


def test_a_school_code_is_unique_within_its_district_only():
    school = SchoolFactory(dpi_code="0010")
    SchoolFactory(dpi_code="0010")  # another district
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolFactory(district=school.district, dpi_code="0010")


def test_the_database_refuses_a_cesa_outside_1_to_12():
    with pytest.raises(IntegrityError), transaction.atomic():
        DistrictFactory(cesa=13)


@pytest.mark.parametrize(
    ("factory", "field", "value"),
    [
        (DistrictFactory, "dpi_code", "12a4"),
        (DistrictFactory, "nces_id", "55"),
        (AgencyFactory, "ori", "MN0000000"),
        (AgencyFactory, "ori", "WI123"),
    ],
)
def test_malformed_state_codes_are_refused_beside_the_field(factory, field, value):
    obj = factory.build(**{field: value})
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    assert field in error.value.message_dict
