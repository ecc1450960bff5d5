import csv
import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import CreateView, DetailView, ListView

from programs.models import Assignment, Program
from programs.views.mixins import (
    READERS,
    ProgramPartCreateView,
    ProgramPartDeleteView,
    ProgramPartUpdateView,
)
from sro_portal.access import ScopedAccessMixin
from sro_portal.audit import Actor, AuditedDetailMixin
from sro_portal.exports import FORMATS, Export, safe
from sro_portal.forms import add_service_errors
from sro_portal.lists import FilteredListMixin, filters_used, yes_no
from sro_portal.models import Membership, School, User
from sro_portal.roles import Role
from sro_portal.scope import scope_of

from . import services, summary
from .compliance import training_record
from .filters import ComplianceFilter
from .forms import CompletionForm, CourseFilterForm, RequirementForm
from .models import (
    Audience,
    Completion,
    ComplianceStatus,
    Course,
    Provider,
    Requirement,
    certificate_kind,
)

OVERSEERS = frozenset(
    {Role.STATE_STAFF, Role.DISTRICT_ADMIN, Role.BUILDING_ADMIN, Role.AGENCY_SUPERVISOR}
)
# Those who keep a school's staff roster (training.manage_staff_member says which schools).
ROSTER_KEEPERS = frozenset({Role.STATE_STAFF, Role.DISTRICT_ADMIN, Role.BUILDING_ADMIN})


def keeps_rosters(user) -> bool:
    return scope_of(user).has_any(ROSTER_KEEPERS)


class ExportListMixin:
    """A list that downloads (`?export=csv` or `?export=xlsx`) as it is filtered, all pages of
    it, with labels: the view names `export_title`, `export_headers` and `export_rows`."""

    export_title = ""
    export_headers: list = []

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt is None:
            return super().get(request, *args, **kwargs)
        if fmt not in FORMATS:
            raise Http404("Unknown export format.")
        queryset = self.get_queryset()
        export = Export(
            title=self.export_title,
            headers=self.export_headers,
            rows=list(self.export_rows(queryset)),
            filters=self.export_filters(),
        )
        return export.response(fmt)

    def export_filters(self) -> dict:
        return {"Filters": "None"}

    def export_rows(self, queryset):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        prefix = f"?{query.urlencode()}&" if query else "?"
        return super().get_context_data(
            export_urls={fmt: f"{prefix}export={fmt}" for fmt in ("csv", "xlsx")}, **kwargs
        )


class CourseListView(ExportListMixin, LoginRequiredMixin, ListView):
    """The catalog: open to every signed-in person, filtered by topic and audience."""

    model = Course
    paginate_by = 25
    export_title = "Course catalog"
    export_headers = [
        "Course",
        "Provider",
        "Hours",
        "Delivery",
        "Audiences",
        "SROs and staff together",
        "Topics",
        "Learning outcomes",
    ]

    def get_queryset(self):
        courses = Course.objects.select_related("provider").prefetch_related("topics")
        self.filter_form = CourseFilterForm(self.request.GET or None)
        if self.filter_form.is_valid():
            if topic := self.filter_form.cleaned_data["topic"]:
                courses = courses.filter(topics=topic)
            if audience := self.filter_form.cleaned_data["audience"]:
                # The audiences are a JSON list; matching its text with the quotes keeps this
                # portable between PostgreSQL and SQLite.
                courses = courses.annotate(audience_text=Cast("audiences", TextField())).filter(
                    audience_text__contains=f'"{audience}"'
                )
        return courses

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)

    def export_filters(self):
        if not self.filter_form.is_valid():
            return {"Filters": "None"}
        data = self.filter_form.cleaned_data
        return {
            "Topic": str(data["topic"] or "Any"),
            "Audience": Audience(data["audience"]).label if data["audience"] else "Any",
        }

    def export_rows(self, queryset):
        for course in queryset:
            yield [
                course.title,
                str(course.provider or ""),
                course.hours,
                course.get_delivery_display(),
                ", ".join(course.get_audiences_display()),
                yes_no(course.collaborative),
                ", ".join(str(t) for t in course.topics.all()),
                "; ".join(course.outcomes),
            ]


class CourseDetailView(LoginRequiredMixin, DetailView):
    model = Course

    def get_queryset(self):
        return Course.objects.select_related("provider").prefetch_related("topics")


class ProviderListView(ExportListMixin, LoginRequiredMixin, ListView):
    model = Provider
    export_title = "Training providers"
    export_headers = ["Provider", "Level", "Website", "Email", "Phone", "Courses", "Resources"]

    def get_queryset(self):
        return Provider.objects.prefetch_related("resources__topics", "courses")

    def export_rows(self, queryset):
        for provider in queryset:
            yield [
                provider.name,
                provider.get_level_display(),
                provider.url,
                provider.contact_email,
                provider.contact_phone,
                ", ".join(c.title for c in provider.courses.all()),
                ", ".join(f"{r.title} ({r.url})" for r in provider.resources.all()),
            ]


class RequirementListView(ExportListMixin, LoginRequiredMixin, ListView):
    """Statewide requirements, and those of the programs the person can see."""

    model = Requirement
    export_title = "Training requirements"
    export_headers = [
        "Program",
        "Audience",
        "Topic",
        "Course",
        "Minimum hours",
        "How often",
        "Days to complete after starting the role",
    ]

    def export_rows(self, queryset):
        for requirement in queryset:
            yield [
                str(requirement.program) if requirement.program_id else "Statewide",
                requirement.get_audience_display(),
                str(requirement.topic or ""),
                str(requirement.course or ""),
                requirement.min_hours,
                requirement.cadence,
                requirement.deadline_days,
            ]

    def get_queryset(self):
        return (
            Requirement.objects.visible_to(self.request.user)
            .select_related("program", "topic", "course")
            .order_by("program__name", "audience", "pk")
        )

    def get_context_data(self, **kwargs):
        editable = [
            p
            for p in Program.objects.visible_to(self.request.user).select_related("district")
            if p.can_be_edited_by(self.request.user)
        ]
        return super().get_context_data(editable_programs=editable, **kwargs)


class RequirementMixin:
    model = Requirement
    anchor = "training"

    def get_success_url(self):
        return reverse("training:requirement_list")


class RequirementCreateView(RequirementMixin, ProgramPartCreateView):
    form_class = RequirementForm

    def perform(self, form):
        requirement = form.save(commit=False)
        requirement.program = self.program
        services.requirement_save(actor=self.actor, requirement=requirement)


class RequirementUpdateView(RequirementMixin, ProgramPartUpdateView):
    form_class = RequirementForm

    def perform(self, form):
        services.requirement_save(
            actor=self.actor,
            requirement=form.save(commit=False),
            changed_fields=form.changed_data,
        )


class RequirementDeleteView(RequirementMixin, ProgramPartDeleteView):
    def form_valid(self, form):
        services.requirement_delete(actor=self.actor, requirement=self.object)
        messages.success(self.request, "The requirement was removed.")
        return redirect(self.get_success_url())


class PersonTrainingView(ScopedAccessMixin, DetailView):
    """A person's training record: what is due, hours by topic, and every completion."""

    roles = READERS
    model = User
    template_name = "training/person_training.html"
    context_object_name = "person"

    def get_object(self, queryset=None):
        if "pk" not in self.kwargs:
            return self.request.user
        return super().get_object(queryset)

    def get_context_data(self, **kwargs):
        person = self.object
        return super().get_context_data(
            **training_record(person),
            is_self=person.pk == self.request.user.pk,
            can_verify=person.pk != self.request.user.pk,
            keeps_rosters=keeps_rosters(self.request.user),
            **kwargs,
        )


class CompletionCreateView(ScopedAccessMixin, CreateView):
    roles = READERS
    model = Completion
    form_class = CompletionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            services.completion_record(actor=self.actor, completion=form.save(commit=False))
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Training recorded.")
        person = form.instance.person
        if person.pk == self.request.user.pk:
            return redirect("training:my_training")
        return redirect("training:person_training", pk=person.pk)


class CompletionVerifyView(ScopedAccessMixin, View):
    roles = OVERSEERS
    http_method_names = ["post"]

    def post(self, request, pk):
        completion = get_object_or_404(Completion.objects.visible_to(request.user), pk=pk)
        try:
            services.completion_verify(actor=Actor.from_request(request), completion=completion)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Completion verified.")
        if completion.staff_member_id:
            return redirect(completion.staff_member.get_absolute_url())
        return redirect("training:person_training", pk=completion.person_id)


class CertificateView(ScopedAccessMixin, AuditedDetailMixin, DetailView):
    """A certificate is served only to those who may see the completion, and each view is
    audited."""

    roles = READERS
    model = Completion

    def get(self, request, *args, **kwargs):
        completion = self.get_object()
        if not completion.certificate:
            raise Http404
        stored = completion.certificate.open("rb")
        # Typed by content, not by the stored name: files kept before names followed content
        # may carry whatever extension they were uploaded with.
        extension, content_type = certificate_kind(stored) or ("bin", "application/octet-stream")
        return FileResponse(
            stored,
            as_attachment=True,
            filename=f"certificate-{completion.pk}.{extension}",
            content_type=content_type,
        )


class ComplianceView(FilteredListMixin, ScopedAccessMixin, ListView):
    """Who is compliant, due soon or overdue, in a district, a school or a program: read from the
    compliance summary, filtered and counted in SQL, 50 people a page, whatever their number."""

    roles = OVERSEERS
    template_name = "training/compliance.html"
    context_object_name = "results"
    paginate_by = 50
    filterset_class = ComplianceFilter
    export_title = "Training compliance"
    export_headers = [
        "Person",
        "Username",
        "Account or roster",
        "Audience",
        "School",
        "District",
        "Status",
        "Hours missing",
        "Next deadline",
        "Most urgent",
    ]

    def get_queryset(self):
        # Statuses that time alone has changed since they were worked out, first.
        summary.refresh_stale()
        self.queryset = self.people = self.scoped_people()
        return super().get_queryset().select_related("user", "staff_member__school")

    def scoped_people(self):
        """The people the user oversees, narrowed to a program or a school (`?program=`,
        `?school=`): their officers assigned today, their administrators and their roster."""
        today = timezone.localdate()
        user = self.request.user
        people = ComplianceStatus.objects.visible_to(user)
        if program_pk := self.request.GET.get("program"):
            program = get_object_or_404(Program.objects.visible_to(user), pk=_int(program_pk))
            officers = Assignment.objects.filter(program=program).in_dates(today)
            admins = Membership.objects.filter(district_id=program.district_id)
            self.title = str(program)
            return people.filter(
                Q(user__in=officers.values("officer_id"))
                | Q(user__in=admins.values("user_id"))
                | Q(is_roster=True, district_id=program.district_id)
            )
        if school_pk := self.request.GET.get("school"):
            school = get_object_or_404(School.objects.visible_to(user), pk=_int(school_pk))
            officers = Assignment.objects.filter(school=school).in_dates(today)
            admins = Membership.objects.filter(school=school)
            self.title = str(school)
            return people.filter(
                Q(user__in=officers.values("officer_id"))
                | Q(user__in=admins.values("user_id"))
                | Q(staff_member__school=school)
            )
        self.title = "Everyone you oversee"
        return people

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        for key in ("status", "page", "export"):
            query.pop(key, None)
        return super().get_context_data(
            summary=self.people.counts(),
            status_query=query.urlencode(),
            title=self.title,
            keeps_rosters=keeps_rosters(self.request.user),
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            return self.stream_csv()
        return super().get(request, *args, **kwargs)

    def stream_csv(self):
        """Every matching row, written as it is read: a statewide list never sits in memory."""
        queryset = self.get_queryset()
        if self.filterset.is_bound and not self.filterset.is_valid():
            return super().get(self.request)
        about = Export(self.export_title, [], [], {"People": self.title}).about()
        about[1:1] = filters_used(self.filterset).items()
        response = StreamingHttpResponse(
            _csv_lines(self.export_headers, self.export_rows(queryset), about),
            content_type=FORMATS["csv"],
        )
        filename = f"training-compliance-{timezone.localdate().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def export_rows(self, queryset):
        rows = queryset.select_related("user", "staff_member__school", "district")
        for row in rows.iterator(chunk_size=2000):
            member = row.staff_member
            yield [
                str(row.person),
                "" if row.is_roster else row.user.username,
                "Roster" if row.is_roster else "Account",
                member.get_audience_display() if member else "",
                str(member.school) if member else "",
                str(row.district or ""),
                row.get_status_display(),
                row.hours_missing,
                row.next_deadline.isoformat() if row.next_deadline else "",
                "; ".join(row.urgent_lines),
            ]


def _csv_lines(headers, rows, about):
    """As `Export.csv` writes it (the table, a blank line, what it holds), a line at a time."""
    line = io.StringIO()
    writer = csv.writer(line)

    def written(cells):
        line.seek(0)
        line.truncate()
        writer.writerow([safe(cell) for cell in cells])
        return line.getvalue()

    yield written(headers)
    for row in rows:
        yield written(row)
    yield written([])
    for label, value in about:
        yield written([label, value])


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None
