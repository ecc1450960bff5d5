"""Project-wide rules: settings, the demo, templates, and which app may import which."""

import ast
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from sro_portal.models import Agency, District, Membership, School, User

ROOT = Path(settings.BASE_DIR)
APPS = ["accountability", "incidents", "training", "programs", "sro_portal"]


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "sro_portal.settings.production",
    "DJANGO_SECRET_KEY": "x" * 60 + "-a-long-random-looking-test-value",
    "DJANGO_ALLOWED_HOSTS": "sro.example.org",
    "DJANGO_SITE_URL": "https://sro.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DJANGO_SITE_URL"]
)
def test_production_settings_refuse_to_start_without_their_secrets(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_settings_pass_the_deployment_check():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_seed_demo_is_safe_to_run_twice_and_every_login_works(client):
    call_command("seed_demo", stdout=io.StringIO())
    counts = [m.objects.count() for m in (District, School, Agency, User, Membership)]
    call_command("seed_demo", stdout=io.StringIO())
    assert [m.objects.count() for m in (District, School, Agency, User, Membership)] == counts
    assert counts[:3] == [3, 8, 2]
    from accountability.management.commands.seed_demo import DEMO_PASSWORD

    roles = set()
    for user in User.objects.all():
        signed_in = client.post(
            reverse("login"), {"username": user.username, "password": DEMO_PASSWORD}
        )
        assert signed_in.status_code == 302, user.username
        home = client.get(reverse("home"))
        if home.status_code == 302 and home.url.startswith(reverse("two_factor:verify")):
            code = io.StringIO()
            call_command("demo_code", user.username, stdout=code)
            client.post(home.url, {"code": code.getvalue().strip()})
            home = client.get(reverse("home"))
        assert home.status_code == 200
        roles |= set(user.memberships.values_list("role", flat=True))
        client.logout()
    assert roles == {"state_staff", "district_admin", "building_admin", "agency_supervisor", "sro"}


@pytest.mark.django_db
def test_seed_demo_refuses_where_demo_data_is_not_allowed(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_carry_no_inline_script_or_style(path):
    text = path.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"\sstyle\s*=", text), 'inline style=""'
    assert not re.search(r"<style\b", text), "inline <style>"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"


@pytest.mark.parametrize(
    "path",
    [
        p
        for p in TEMPLATES
        if p.name not in {"base.html", "password_reset_email.html"}
        and p.parent.name != "includes"
        and "admin" not in p.relative_to(ROOT / "templates").parts
    ],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_pages_extend_base(path):
    assert path.read_text().startswith('{% extends "base.html" %}')


@pytest.mark.django_db
def test_every_page_is_sent_with_a_strict_content_security_policy(client):
    policy = client.get(reverse("login")).headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def imported_apps(app):
    for path in (ROOT / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, node.module.split(".")[0]
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name.split(".")[0]


def higher_apps(app):
    return set(APPS[: APPS.index(app)])


@pytest.mark.parametrize("app", APPS)
def test_dependencies_point_one_way(app):
    """accountability -> incidents -> training -> programs -> sro_portal, never back."""
    wrong = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path, module in imported_apps(app)
        if module in higher_apps(app) and not (app == "sro_portal" and path.name == "urls.py")
    ]
    assert not wrong


@pytest.mark.parametrize("app", APPS)
def test_no_relation_points_up(app):
    """A foreign key, string or not, names only a model of its own app or of one below it."""
    from django.apps import apps

    wrong = [
        f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}"
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if field.concrete
        and field.is_relation
        and field.related_model._meta.app_label in higher_apps(app)
    ]
    assert not wrong


def upward_names(app):
    """What code of `app` would write to reach a higher app's models: their labels, and the
    names of the reverse relations they add to this app's models and the ones below it."""
    from django.apps import apps

    labels, reverse_names = set(), set()
    for higher in higher_apps(app):
        for model in apps.get_app_config(higher).get_models():
            labels.add(model._meta.label)
            for field in model._meta.get_fields():
                if (
                    field.concrete
                    and field.is_relation
                    and field.related_model._meta.app_label not in higher_apps(app)
                ):
                    name = field.related_query_name()
                    if not name.startswith("+"):
                        reverse_names.add(name)
    return labels, reverse_names


def lookups_and_labels(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, ast.keyword) and node.arg:
            yield node.arg


@pytest.mark.parametrize("app", APPS)
def test_no_query_or_string_reference_points_up(app):
    """ORM lookups (`Q(assignments__school=...)`, `.values("programs__name")`) and string model
    references (`"programs.Program"`) from a lower app into a higher one are refused too."""
    labels, reverse_names = upward_names(app)
    wrong = []
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts or (app == "sro_portal" and path.name == "urls.py"):
            continue
        for text in lookups_and_labels(path):
            first = text.split("__")[0].lstrip("-")
            if text in labels or ("__" in text and first in reverse_names):
                wrong.append(f"{path.relative_to(ROOT)}: {text}")
    assert not wrong


def test_the_layering_test_catches_a_lookup_and_a_label_that_point_up(tmp_path):
    labels, reverse_names = upward_names("sro_portal")
    assert "programs.Program" in labels and "assignments" in reverse_names
    probe = tmp_path / "probe.py"
    probe.write_text('User.objects.filter(assignments__school=1)\nlabel = "programs.Program"\n')
    found = set(lookups_and_labels(probe))
    assert "assignments__school" in found and "programs.Program" in found


STUDENT_IDENTIFIERS = re.compile(
    r"(student|pupil|child|juvenile)_?(name|first_name|last_name|id|number|dob|birth)", re.I
)


def test_no_model_has_a_field_for_a_students_name_or_id():
    from django.apps import apps

    found = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if STUDENT_IDENTIFIERS.search(field.name) or field.name in {"date_of_birth", "dob"}
    ]
    assert not found
