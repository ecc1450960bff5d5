"""What the fuzz tests post: hostile values for any field, values a field would accept, and the
checks that follow a post (refused with nothing saved, or accepted and valid)."""

import datetime
import os
from contextlib import contextmanager

from django import forms
from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from sro_portal.models import AuditLog

# Small enough that the fuzz modules together run in about a minute on two cores; the shared
# tenant is built once per module, so the examples are what costs.
fuzz_settings = settings(
    max_examples=5,
    deadline=None,
    database=None,
    # A failure is reported as found: shrinking a whole page's post took minutes.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    # The same examples on every run, so a red CI run can be repeated as it was.
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any character a browser can send: surrogates cannot be encoded, everything else may come.
UNICODE = st.characters(blacklist_categories=("Cs",))
MALFORMED = st.sampled_from(
    [
        "2026-02-30",
        "0000-00-00",
        "9999-99-99",
        "31/12/2026",
        "2026-13-01",
        "-0001-01-01",
        "99999-01-01",
        "2026-01-01T25:61",
        "1e309",
        "NaN",
        "-Infinity",
        "0x1F",
        "' OR '1'='1' --",
        "1; DROP TABLE sro_portal_user",
        "<script>alert(1)</script>",
        '=HYPERLINK("http://x")',
        "%00",
        "\x00",
        "\u202e\u200b\ufeff",
        "\U0001d54f\U0001d550\u2124",
        " ",
    ]
)
NASTY = st.one_of(
    st.text(UNICODE, max_size=40),
    st.text(UNICODE, max_size=8).map(lambda s: f"{s}\x00{s}"),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=-(2**63) - 1, max_value=2**63).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: d.isoformat()),
    st.integers(min_value=300, max_value=12_000).map(lambda n: "Ω" * n),
    MALFORMED,
    st.just(""),
)


def sensible(field) -> st.SearchStrategy:
    """A value the field could accept, so that examples reach the services behind the forms."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        pks = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:20]]
        return st.lists(st.sampled_from(pks), max_size=3) if pks else st.just([])
    if isinstance(field, forms.ModelChoiceField):
        pks = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:20]]
        return st.sampled_from(pks) if pks else st.just("")
    if isinstance(field, forms.MultipleChoiceField):
        values = [str(v) for v, _ in field.choices if v != ""]
        return st.lists(st.sampled_from(values), max_size=3) if values else st.just([])
    if isinstance(field, forms.ChoiceField):
        values = [str(v) for v, _ in field.choices if not isinstance(_, list | tuple)]
        return st.sampled_from(values) if values else st.just("")
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", ""])
    if isinstance(field, forms.DateField):
        return st.dates(datetime.date(2000, 1, 1), datetime.date(2035, 12, 31)).map(str)
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return st.integers(min_value=-5, max_value=500).map(str)
    if isinstance(field, forms.EmailField):
        return st.emails().map(str)
    return st.text(st.characters(whitelist_categories=("L", "N", "Zs")), min_size=1, max_size=60)


def field_value(draw, name, field, initial, *, hostile=True):
    """One field's value: as the page showed it, one it could accept, or (if `hostile`) a
    hostile one."""
    if isinstance(field, forms.FileField):
        content = draw(
            st.one_of(
                st.sampled_from([b"%PDF-1.4\n%%EOF\n", b"<html><script>x</script></html>"]),
                st.binary(max_size=300),
            )
        )
        filename = draw(st.one_of(st.sampled_from(["c.pdf", "c.html", "c", ".pdf"]), NASTY))
        return FileUpload(filename or "f", content)
    if not hostile and isinstance(field.widget, forms.HiddenInput) and initial:
        return initial  # a version or a form's token, as the page gave it
    kinds = ["initial", "sensible", "nasty", "nasty"] if hostile else ["initial", "sensible"]
    choice = draw(st.sampled_from(kinds), label=name)
    if choice == "initial" and initial not in ("", []):
        return initial
    if choice in ("initial", "sensible"):
        return draw(sensible(field), label=name)
    return draw(NASTY, label=name)


class FileUpload:
    def __init__(self, name, content):
        self.name, self.content = name, content

    def upload(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        # A browser sends some file name: never an empty one, nor a bare "." or "..".
        name = os.path.basename(self.name.replace("\x00", ""))
        return SimpleUploadedFile(name if name not in ("", ".", "..") else "file", self.content)


def initial_of(bound):
    """What a browser would send back for a field of the page as shown."""
    value = bound.value()
    if value is None:
        return ""
    if isinstance(bound.field.widget, forms.CheckboxInput):
        return "on" if value else ""
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def post_data(draw, form):
    """Every field hostile or not at random; or, half the time, one hostile field among values
    the form could accept, so that examples get past the form to the service behind it."""
    names = [bound.html_name for bound in form]
    hostile = set(names)
    if names and draw(st.booleans()):
        hostile = {draw(st.sampled_from(names))}
    data = {}
    for bound in form:
        value = field_value(
            draw,
            bound.html_name,
            bound.field,
            initial_of(bound),
            hostile=bound.html_name in hostile,
        )
        if isinstance(value, FileUpload):
            value = value.upload()
        if value == "" and draw(st.booleans()):
            continue  # sometimes absent altogether, as an unticked box is
        data[bound.html_name] = value
    return data


# Every model of the portal's own apps except the audit log, which records refusals too.
PORTAL_APPS = ("sro_portal", "programs", "training", "incidents", "accountability")


def portal_models():
    return [
        model
        for label in PORTAL_APPS
        for model in apps.get_app_config(label).get_models()
        if model is not AuditLog
    ]


def snapshot():
    """Each model's row count and highest key, in one query."""
    models = portal_models()
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT {i}, COUNT(*), MAX({quote(m._meta.pk.column)}) FROM {quote(m._meta.db_table)}"
        for i, m in enumerate(models)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {models[i]: (count, top) for i, count, top in cursor.fetchall()}


def assert_nothing_saved(before, response):
    after = snapshot()
    changed = {m._meta.label: (before[m], after[m]) for m in before if before[m] != after[m]}
    assert not changed, f"refused ({response.status_code}) yet rows changed: {changed}"


def assert_saved_records_valid(before, touched=()):
    """Every row the post added, and every object it may have changed, passes full_clean()."""
    for model in portal_models():
        _count, top = before[model]
        added = model.objects.all() if top is None else model.objects.filter(pk__gt=top)
        for record in added[:20]:
            record.full_clean()
    for obj in touched:
        try:
            fresh = type(obj).objects.get(pk=obj.pk)
        except ObjectDoesNotExist:
            continue  # deleted by the post
        fresh.full_clean()


@contextmanager
def example():
    """Each example starts from the same data and counters, as hypothesis expects of a test it
    may run again to shrink a failure: whatever the example wrote rolls back after it."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
