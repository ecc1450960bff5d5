import pytest

from accountability.models import AccountabilitySettings


@pytest.fixture
def tenant(tenant):
    """The shared tenant, with its agreed meeting cadence: its MOU then has every section the
    source asks for, so it can be signed."""
    AccountabilitySettings.objects.create(program=tenant.program, meeting_every_days=14)
    return tenant
