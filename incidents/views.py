import copy
import csv
import datetime
import io
from collections import defaultdict

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import CreateView, DetailView, FormView, ListView, TemplateView

from programs.models import Assignment, ProtocolEntry
from sro_portal.access import ScopedAccessMixin
from sro_portal.audit import AuditedDetailMixin
from sro_portal.exports import safe
from sro_portal.imports import ImportMixin
from sro_portal.lists import FilteredListMixin, yes_no
from sro_portal.mixins import ServiceFormMixin
from sro_portal.models import Agency
from sro_portal.paging import CappedCountPaginator
from sro_portal.permissions import allows
from sro_portal.roles import Role
from sro_portal.scope import scope_of

from . import services
from .filters import ActivityFilter, EnforcementActionFilter, IncidentFilter
from .forms import (
    ActivityAmendForm,
    ActivityLogForm,
    EnforcementActionForm,
    IncidentForm,
    ReviewForm,
)
from .models import NO_NAMES, ActivityLog, EnforcementAction, Incident
from .resources import EnforcementActionResource, action_columns

SRO = frozenset({Role.SRO})
READERS = frozenset(Role)
IMPORTERS = frozenset({Role.AGENCY_SUPERVISOR, Role.STATE_STAFF})


def may_import(user) -> bool:
    return scope_of(user).has_any(IMPORTERS)


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


class ActivityWeekView(ScopedAccessMixin, TemplateView):
    """An SRO's own entries for one week, with the minutes given to each part of the job."""

    roles = SRO
    template_name = "incidents/activitylog_week.html"

    def get_context_data(self, **kwargs):
        try:
            day = datetime.date.fromisoformat(self.request.GET.get("week", ""))
        except ValueError:
            day = timezone.localdate()
        if not datetime.date(1900, 1, 8) <= day <= datetime.date(9999, 12, 17):
            day = timezone.localdate()  # the neighbouring weeks must exist too
        start = week_start(day)
        end = start + datetime.timedelta(days=6)
        entries = list(
            ActivityLog.objects.filter(officer=self.request.user, occurred_on__range=(start, end))
            .current()
            .select_related("school", "activity_type")
            .order_by("occurred_on", "created_at")
        )
        days = [(start + datetime.timedelta(days=i), []) for i in range(7)]
        by_day = dict(days)
        minutes = defaultdict(int)
        for entry in entries:
            by_day[entry.occurred_on].append(entry)
            minutes[entry.activity_type.get_group_display()] += entry.minutes
        return super().get_context_data(
            start=start,
            end=end,
            days=days,
            entries=entries,
            minutes_by_group=sorted(minutes.items(), key=lambda item: -item[1]),
            previous_week=start - datetime.timedelta(days=7),
            next_week=start + datetime.timedelta(days=7),
            is_current_week=start == week_start(timezone.localdate()),
            **kwargs,
        )


class ActivityLogCreateView(ScopedAccessMixin, ServiceFormMixin, CreateView):
    roles = SRO
    model = ActivityLog
    form_class = ActivityLogForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "officer": self.request.user}

    def perform(self, form):
        entry = services.activity_log(actor=self.actor, entry=form.save(commit=False))
        messages.success(self.request, f"Logged: {entry.activity_type}, {entry.minutes} minutes.")
        if "another" in self.request.POST:
            return redirect("incidents:activity_create")
        return redirect(_week_url(entry.occurred_on))

    def already_submitted(self, created):
        """The same entry sent twice (a double tap, a retry on a slow connection): one entry,
        and the week it is in."""
        messages.info(self.request, "This entry was sent twice; it was logged once.")
        day = created.occurred_on if created is not None else timezone.localdate()
        return redirect(_week_url(day))


def _week_url(day):
    return f"{reverse('incidents:activity_week')}?week={week_start(day).isoformat()}"


class ActivityLogChangeView(ScopedAccessMixin, ServiceFormMixin, FormView):
    """Within seven days the author corrects an entry; afterwards they amend it, with a reason,
    and the original is kept."""

    roles = SRO
    template_name = "incidents/activitylog_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and scope_of(request.user).has_any(self.roles):
            self.entry = get_object_or_404(
                ActivityLog.objects.filter(officer=request.user).current(), pk=kwargs["pk"]
            )
            self.amending = not allows("incidents.correct_activity", request.user, self.entry)
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return ActivityAmendForm if self.amending else ActivityLogForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        instance = self.entry
        if self.amending:
            # The amendment starts as a copy of the entry; the original stays untouched.
            instance = copy.copy(self.entry)
            instance.pk = instance.id = None
            instance._state.adding = True
        return {**kwargs, "officer": self.request.user, "instance": instance}

    def get_context_data(self, **kwargs):
        return super().get_context_data(entry=self.entry, amending=self.amending, **kwargs)

    def perform(self, form):
        if self.amending:
            services.activity_amend(
                actor=self.actor, original=self.entry, amendment=form.save(commit=False)
            )
            messages.success(self.request, "Amended. The original entry is kept.")
        else:
            services.activity_correct(
                actor=self.actor, entry=form.save(commit=False), changed_fields=form.changed_data
            )
            messages.success(self.request, "Corrected.")
        return redirect(_week_url(form.instance.occurred_on))


class IncidentListView(FilteredListMixin, ScopedAccessMixin, ListView):
    roles = READERS
    model = Incident
    paginate_by = 25
    paginator_class = CappedCountPaginator
    filterset_class = IncidentFilter
    export_title = "Incidents"
    export_headers = [
        "Date and time",
        "School",
        "DPI school code",
        "District",
        "DPI district code",
        "Location",
        "Classification",
        "Handled by",
        "SRO's response",
        "Agency case number",
        "Enforcement actions",
        "Review",
        "Reported by",
        "What happened",
    ]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("school", "reported_by")
            .prefetch_related("enforcement_actions")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_report=Role.SRO in self.request.user.scope.roles,
            can_import=may_import(self.request.user),
            **kwargs,
        )

    def export_rows(self, queryset):
        rows = (
            queryset.prefetch_related(None)
            .select_related("school__district")
            .annotate(action_count=Count("enforcement_actions"))
        )
        for incident in rows.iterator(chunk_size=2000):
            review = ""
            if incident.needs_review:
                review = "Reviewed" if incident.reviewed_at else "Awaiting review"
            yield [
                timezone.localtime(incident.occurred_at).strftime("%Y-%m-%d %H:%M"),
                incident.school.name,
                incident.school.dpi_code,
                incident.school.district.name,
                incident.school.district.dpi_code,
                incident.get_location_display(),
                incident.get_classification_display(),
                incident.get_handled_by_display(),
                incident.get_sro_response_display(),
                incident.case_number,
                incident.action_count,
                review,
                str(incident.reported_by),
                incident.description,
            ]


class EnforcementActionListView(FilteredListMixin, ScopedAccessMixin, ListView):
    """Every role: SROs see the actions they recorded, the others those in their scope."""

    roles = READERS
    model = EnforcementAction
    paginate_by = 25
    paginator_class = CappedCountPaginator
    filterset_class = EnforcementActionFilter
    export_title = "Enforcement actions"
    export_headers = [
        "Date",
        "School",
        "DPI school code",
        "District",
        "DPI district code",
        "Agency",
        "Kind",
        "Offense type",
        "Statute or ordinance",
        "Offense category",
        "Referred for charging",
        "On school property",
        "By",
        "Agency case number",
        "Student age",
        "Student grade",
        "Student gender",
        "Student race/ethnicity",
        "Student disability status",
        "English learner status",
    ]

    def get_queryset(self):
        return super().get_queryset().select_related("school", "offense_category", "incident")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_import=may_import(self.request.user), **kwargs)

    def export_rows(self, queryset):
        rows = queryset.select_related("school__district", "agency", "offense_category")
        for action in rows.iterator(chunk_size=2000):
            yield [
                action.occurred_on.isoformat(),
                action.school.name,
                action.school.dpi_code,
                action.school.district.name,
                action.school.district.dpi_code,
                action.agency.name,
                action.get_kind_display(),
                action.get_offense_type_display(),
                action.offense_code,
                action.offense_category.name,
                yes_no(action.referred_for_charging),
                yes_no(action.on_school_property),
                action.get_taken_by_display(),
                action.case_number,
                action.student_age,
                action.get_student_grade_display() if action.student_grade is not None else "",
                action.get_student_gender_display(),
                action.get_student_race_display(),
                action.get_student_disability_display(),
                action.get_student_english_learner_display(),
            ]


class ActivityListView(FilteredListMixin, ScopedAccessMixin, ListView):
    """Read-only, for those who oversee SROs: administrators see the activity at their schools,
    agency supervisors their officers', state staff all. SROs keep their own daily log."""

    roles = frozenset(Role) - SRO
    model = ActivityLog
    paginate_by = 50
    paginator_class = CappedCountPaginator
    template_name = "incidents/activitylog_list.html"
    filterset_class = ActivityFilter
    export_title = "SRO activity"
    export_headers = [
        "Date",
        "SRO",
        "School",
        "DPI school code",
        "District",
        "DPI district code",
        "Part of the job",
        "Activity",
        "Minutes",
        "Students",
        "Staff",
        "Notes",
    ]

    def get_queryset(self):
        return super().get_queryset().current().select_related("school", "officer", "activity_type")

    def export_rows(self, queryset):
        rows = queryset.select_related("school__district")
        for entry in rows.iterator(chunk_size=2000):
            yield [
                entry.occurred_on.isoformat(),
                str(entry.officer),
                entry.school.name,
                entry.school.dpi_code,
                entry.school.district.name,
                entry.school.district.dpi_code,
                entry.activity_type.get_group_display(),
                entry.activity_type.name,
                entry.minutes,
                entry.students_met,
                entry.staff_met,
                entry.notes,
            ]


class IncidentCreateView(ScopedAccessMixin, ServiceFormMixin, CreateView):
    roles = SRO
    model = Incident
    form_class = IncidentForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "officer": self.request.user}

    def get_context_data(self, **kwargs):
        # The response protocol of each program the SRO works in, beside the form.
        programs = (
            Assignment.objects.active().filter(officer=self.request.user).values("program_id")
        )
        protocol = ProtocolEntry.objects.filter(program_id__in=programs).select_related("program")
        return super().get_context_data(protocol=protocol, **kwargs)

    def perform(self, form):
        incident = services.incident_report(actor=self.actor, incident=form.save(commit=False))
        if incident.needs_review:
            messages.warning(
                self.request,
                "Recorded. An SRO response to disciplinary misconduct goes to the district "
                "administrator for review.",
            )
        else:
            messages.success(self.request, "Incident recorded.")
        return redirect(incident.get_absolute_url())


class IncidentDetailView(ScopedAccessMixin, AuditedDetailMixin, DetailView):
    """Incidents concern students: every view of one is written to the audit log."""

    roles = READERS
    model = Incident

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("school", "program", "reported_by", "reviewed_by")
            .prefetch_related("enforcement_actions__offense_category")
        )

    def get_context_data(self, **kwargs):
        incident = self.object
        user = self.request.user
        return super().get_context_data(
            can_add_action=allows("incidents.record_enforcement_action", user, incident),
            can_review=allows("incidents.review_incident", user, incident),
            review_form=ReviewForm(incident=incident),
            **kwargs,
        )


class IncidentChildMixin(ScopedAccessMixin):
    rule = None  # the rule a GET of the form asks, if any
    refused_message = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and scope_of(request.user).has_any(self.roles):
            self.incident = get_object_or_404(
                Incident.objects.visible_to(request.user).select_related("school"),
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(incident=self.incident, **kwargs)

    def get(self, request, *args, **kwargs):
        """The form opens only to those the action's rule allows; the service refuses the rest
        whatever they send."""
        if self.rule and not allows(self.rule, request.user, self.incident):
            messages.warning(request, self.refused_message)
            return redirect(self.incident.get_absolute_url())
        return super().get(request, *args, **kwargs)


class IncidentReviewView(IncidentChildMixin, ServiceFormMixin, FormView):
    roles = frozenset({Role.DISTRICT_ADMIN})
    form_class = ReviewForm
    template_name = "incidents/incident_review.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "incident": self.incident}

    def perform(self, form):
        services.incident_review(
            actor=self.actor,
            incident=self.incident,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
        messages.success(self.request, "Review recorded.")
        return redirect(self.incident.get_absolute_url())


class EnforcementActionCreateView(IncidentChildMixin, ServiceFormMixin, CreateView):
    roles = frozenset({Role.SRO, Role.AGENCY_SUPERVISOR})
    rule = "incidents.record_enforcement_action"
    refused_message = (
        "Only the reporting SRO or the agency's supervisor adds an enforcement action, and none "
        "is recorded on disciplinary misconduct."
    )
    model = EnforcementAction
    form_class = EnforcementActionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "incident": self.incident}

    def perform(self, form):
        services.enforcement_action_record(
            actor=self.actor, action=form.save(commit=False), incident=self.incident
        )
        messages.success(self.request, "Enforcement action recorded. Add one for each student.")
        return redirect(self.incident.get_absolute_url())


class EnforcementActionImportView(ImportMixin, ScopedAccessMixin, TemplateView):
    """Agency supervisors bring in their agency's actions from its records system (state staff
    any agency's); each is matched to its incident by case number, which is created when the
    agency has none of that number (services.enforcement_actions_import)."""

    roles = IMPORTERS
    template_name = "incidents/enforcementaction_import.html"
    import_model = EnforcementAction
    import_noun = "enforcement actions"
    import_in_background = True  # a records system's yearly file runs to tens of thousands

    @cached_property
    def import_columns(self):
        return action_columns()

    @property
    def import_examples(self):
        # One event with two students: the two rows share the case number, and one incident.
        first = {column.name: column.example for column in self.import_columns}
        served = self.served_yesterday
        if served is not None:
            # The user's own agency, at a school it served yesterday: the template imports as is.
            first["agency"] = served.agency.ori
            first["occurred_on"] = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
        second = {
            **first,
            "student_age": 16,
            "student_grade": "11",
            "student_gender": "male",
            "student_race": "white",
        }
        return [first, second]

    @cached_property
    def served_yesterday(self):
        """An assignment of one of the user's agencies in force yesterday, if any."""
        return (
            Assignment.objects.active(timezone.localdate() - datetime.timedelta(days=1))
            .filter(agency_id__in=scope_of(self.request.user).supervised_agency_ids)
            .select_related("agency", "school__district")
            .order_by("pk")
            .first()
        )

    def example_school(self):
        served = self.served_yesterday
        return served.school if served is not None else super().example_school()

    def get_import_resource(self):
        return EnforcementActionResource(actor=self.actor)

    def get(self, request, *args, **kwargs):
        if request.GET.get("download") == "records":
            return self.records_file()
        return super().get(request, *args, **kwargs)

    def records_file(self):
        """The actions the user may import, in the file's format (labels for codes): imported
        again, each is found unchanged."""
        scope = scope_of(self.request.user)
        actions = EnforcementAction.objects.visible_to(self.request.user)
        if not scope.is_state_staff:
            actions = actions.filter(agency_id__in=scope.supervised_agency_ids)
        actions = actions.select_related(
            "agency", "school__district", "offense_category", "incident"
        ).order_by("occurred_on", "case_number", "pk")
        dataset = self.get_import_resource().export(queryset=actions)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(dataset.headers)
        writer.writerows([safe(cell) for cell in row] for row in dataset)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="enforcement-actions-{stamp}.csv"'
        return response

    def get_context_data(self, **kwargs):
        scope = scope_of(self.request.user)
        return super().get_context_data(
            no_names=NO_NAMES,
            state_staff=scope.is_state_staff,
            agencies=Agency.objects.filter(pk__in=scope.supervised_agency_ids).order_by("name"),
            **kwargs,
        )
