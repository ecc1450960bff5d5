from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import CreateView, DetailView, ListView, TemplateView

from programs.models import Assignment, Program
from programs.views.mixins import (
    READERS,
    ProgramPartCreateView,
    ProgramPartDeleteView,
    ProgramPartUpdateView,
)
from sro_portal.access import ScopedAccessMixin
from sro_portal.audit import Actor, AuditedDetailMixin
from sro_portal.exports import FORMATS, Export
from sro_portal.forms import add_service_errors
from sro_portal.lists import yes_no
from sro_portal.models import Membership, School, User
from sro_portal.roles import Role
from sro_portal.scope import scope_of

from . import services
from .compliance import compliance_for, summarise, training_record
from .forms import CompletionForm, CourseFilterForm, RequirementForm
from .models import (
    Audience,
    Completion,
    Course,
    Provider,
    Requirement,
    StaffMember,
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


class ComplianceView(ScopedAccessMixin, TemplateView):
    """Who is compliant, due soon or overdue, in a district, a school or a program."""

    roles = OVERSEERS
    template_name = "training/compliance.html"

    def get_people(self):
        """The account holders the user oversees, then the roster people of the same schools
        (those working there now), each list by name."""
        today = timezone.localdate()
        user = self.request.user
        kind = next((k for k in ("program", "school") if self.request.GET.get(k)), "all")
        staff = User.objects.visible_to(user).filter(is_active=True).exclude(pk=user.pk)
        roster = StaffMember.objects.visible_to(user).current(today).select_related("school")
        if kind == "program":
            program = get_object_or_404(
                Program.objects.visible_to(user), pk=_int(self.request.GET["program"])
            )
            officers = (
                Assignment.objects.filter(program=program).in_dates(today).values("officer_id")
            )
            admins = Membership.objects.filter(district_id=program.district_id).values("user_id")
            self.title = str(program)
            staff = staff.filter(Q(pk__in=officers) | Q(pk__in=admins))
            roster = roster.filter(district_id=program.district_id)
        elif kind == "school":
            school = get_object_or_404(
                School.objects.visible_to(user), pk=_int(self.request.GET["school"])
            )
            officers = Assignment.objects.filter(school=school).in_dates(today).values("officer_id")
            admins = Membership.objects.filter(school=school).values("user_id")
            self.title = str(school)
            staff = staff.filter(Q(pk__in=officers) | Q(pk__in=admins))
            roster = roster.filter(school=school)
        else:
            self.title = "Everyone you oversee"
        return [*staff.order_by("last_name"), *roster.order_by("name")]

    def get_context_data(self, **kwargs):
        results = compliance_for(self.get_people())
        return super().get_context_data(
            results=results,
            summary=summarise(results),
            title=self.title,
            query=self.request.GET.urlencode(),
            keeps_rosters=keeps_rosters(self.request.user),
            **kwargs,
        )


class ComplianceExportView(ComplianceView):
    """The people out of compliance (overdue or due soon), with what each is missing, as CSV or
    XLSX (`?format=xlsx`)."""

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format", "csv")
        if fmt not in FORMATS:
            raise Http404("Unknown export format.")
        results = [r for r in compliance_for(self.get_people()) if r.is_out_of_compliance]
        rows = [
            [
                str(result.person),
                "" if result.is_roster else result.person.username,
                "Roster" if result.is_roster else "Account",
                str(item.requirement),
                item.get_status_display(),
                item.hours_done,
                item.hours_missing,
                item.deadline.isoformat(),
            ]
            for result in results
            for item in result.requirements
            if item.status in ("overdue", "due_soon")
        ]
        headers = [
            "Person",
            "Username",
            "Account or roster",
            "Requirement",
            "Status",
            "Hours done",
            "Hours missing",
            "Deadline",
        ]
        return Export("Out of compliance", headers, rows, {"People": self.title}).response(fmt)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None
