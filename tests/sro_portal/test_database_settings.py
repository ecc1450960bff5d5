import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_postgresql_does_not_jit_compile_a_pages_queries():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_production_connects_to_postgresql_as_every_settings_module_does(tmp_path):
    from tests.test_project import PRODUCTION, run_manage

    script = "from django.conf import settings; print(settings.DATABASES['default'])"
    env = {**PRODUCTION, "DATABASE_URL": "postgres://portal@db.example.org:5432/sro"}
    result = run_manage("shell", "-c", script, **env)
    assert result.returncode == 0, result.stderr
    assert "'options': '-c jit=off'" in result.stdout
    assert "'ATOMIC_REQUESTS': True" in result.stdout
