"""The benchmarks in bench/ are run by hand or `make bench`, never timed here: these only check
that each script starts, that the bench-only pages stay out of the site, and that the sessions
the load test hands out are signed in past both steps."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse

from bench.common import signed_in_session, small_database_url

ROOT = Path(settings.BASE_DIR)
SCRIPTS = ["queries.py", "dashboards.py", "admin.py", "load.py", "run.py"]


@pytest.mark.parametrize("script", SCRIPTS)
def test_each_script_explains_itself(script):
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "--database-url" in result.stdout


def test_the_minimal_pages_are_not_in_the_site():
    with pytest.raises(NoReverseMatch):
        reverse("bench_minimal")
    with pytest.raises(NoReverseMatch):
        reverse("bench_minimal_insert")
    assert Client().get("/bench/minimal/").status_code == 404


def test_the_small_database_sits_beside_the_full_one():
    url = "postgres://postgres@127.0.0.1:5432/sro_state"
    assert small_database_url(url) == "postgres://postgres@127.0.0.1:5432/sro_state_1pct"


@pytest.mark.parametrize("role", ["district_admin", "sro"])
def test_a_bench_session_has_passed_both_sign_in_steps(tenant, role):
    # A district administrator must pass the second step; this one has no app yet.
    user = getattr(tenant, role)
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(user)
    response = client.get(reverse("home"))
    # Not sent to sign in, nor to the second step: the home page itself.
    assert response.status_code == 200
    assert response.context["user"] == user
