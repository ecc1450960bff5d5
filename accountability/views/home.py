import datetime

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import TemplateView

from incidents.models import ActivityLog, EnforcementAction, Incident
from programs.models import MOU, Assignment, Program
from programs.reminders import reminders_for
from sro_portal.models import Agency, District, School
from sro_portal.roles import Role
from sro_portal.schoolyear import school_year_bounds, school_year_label, school_year_of
from sro_portal.scope import scope_of
from training.compliance import compliance_for
from training.models import ROLE_AUDIENCE, ComplianceStatus
from training.summary import refresh_stale

from ..aggregates import activity_mix, enforcement_counts
from ..charts import Chart, bar_chart
from ..models import Complaint, Contact
from ..oversight import meeting_status, overdue_evaluations
from .activity_reports import every_group
from .report_common import report_links

OVERSEERS = frozenset(
    {Role.STATE_STAFF, Role.DISTRICT_ADMIN, Role.BUILDING_ADMIN, Role.AGENCY_SUPERVISOR}
)
ATTENTION_LIMIT = 10
COMPLAINTS_SHOWN = 10


class HomeView(LoginRequiredMixin, TemplateView):
    """Each person's starting page: one section for each role they hold."""

    template_name = "accountability/home.html"

    def handle_no_permission(self):
        # A visitor who has not signed in lands on the public pages, with a link to sign in.
        if not self.request.user.is_authenticated:
            return redirect("public:home")
        return super().handle_no_permission()

    def get_context_data(self, **kwargs):
        user = self.request.user
        scope = scope_of(user)
        context = super().get_context_data(scope=scope, **kwargs)
        if scope.is_state_staff:
            context["statewide"] = {
                "districts": District.objects.count(),
                "schools": School.objects.count(),
                "agencies": Agency.objects.count(),
            }
        if Role.DISTRICT_ADMIN in scope.roles:
            context["administered_districts"] = (
                District.objects.filter(pk__in=scope.district_ids)
                .annotate(school_count=Count("schools"))
                .order_by("name")
            )
        if Role.BUILDING_ADMIN in scope.roles:
            context["administered_schools"] = School.objects.filter(
                pk__in=scope.school_ids
            ).select_related("district")
        if scope.agency_ids:
            context["agencies"] = Agency.objects.filter(pk__in=scope.agency_ids)
        if Role.SRO in scope.roles:
            context["assignments"] = (
                Assignment.objects.filter(officer=user)
                .in_dates()
                .select_related("school", "program")
                .annotate(
                    covered=Exists(MOU.objects.in_force().filter(program=OuterRef("program")))
                )
            )
        if scope.has_any({Role.DISTRICT_ADMIN, Role.AGENCY_SUPERVISOR}):
            context["reminders"] = reminders_for(user)
        if scope.has_any({Role.DISTRICT_ADMIN, Role.AGENCY_SUPERVISOR}):
            waiting = Complaint.objects.visible_to(user).awaiting_acknowledgement()
            context["complaints_new"] = waiting["new"]
            context["complaints_overdue"] = waiting["overdue"]
            context["complaints_to_acknowledge"] = _to_acknowledge(user)
            programs = list(
                Program.objects.visible_to(user)
                .filter(status=Program.Status.ACTIVE)
                .filter(
                    Q(district_id__in=scope.district_ids)
                    | Q(agency_id__in=scope.supervised_agency_ids)
                )
            )
            statuses = meeting_status(programs)
            context["missed_meetings"] = [
                (program, statuses[program.pk])
                for program in programs
                if statuses[program.pk].missed
            ]
            context["evaluations_overdue"] = overdue_evaluations(programs)
        if scope.has_any({Role.SRO, Role.DISTRICT_ADMIN, Role.BUILDING_ADMIN}):
            context["contacts"] = _contacts_for(user, scope)
        if Role.DISTRICT_ADMIN in scope.roles:
            context["incidents_to_review"] = (
                Incident.objects.filter(district_id__in=scope.district_ids)
                .awaiting_review()
                .count()
            )
        if Role.SRO in scope.roles or scope.supervised_agency_ids:
            # Incidents whose enforcement action is not recorded yet: the SRO's own, and the
            # supervisor's agency's, in one query.
            context["incomplete_incidents"] = list(
                Incident.objects.filter(
                    Q(reported_by=user) | Q(agency_id__in=scope.supervised_agency_ids)
                )
                .incomplete()
                .select_related("school")[:20]
            )
        context.update(_training(user, scope))
        if Role.SRO in scope.roles:
            context["week_chart"] = _week_chart(user)
        if scope.has_any(OVERSEERS):
            context.update(_school_year(user))
            context["report_links"] = report_links(self.request)
        if scope.is_state_staff:
            context["districts_attention"] = districts_needing_attention()
        return context


def _to_acknowledge(user) -> list:
    """Complaints received and not yet acknowledged, the nearest deadline first, each with the
    days left to acknowledge it (below zero once late), in one query."""
    today = timezone.localdate()
    complaints = list(
        Complaint.objects.visible_to(user)
        .filter(status=Complaint.Status.RECEIVED)
        .select_related("program")
        .order_by("acknowledge_by", "received_at")[:COMPLAINTS_SHOWN]
    )
    for complaint in complaints:
        complaint.days_left = (complaint.acknowledge_by - today).days
        complaint.days_late = -complaint.days_left
    return complaints


def _week_chart(user) -> Chart:
    """The SRO's own minutes this week (Monday to Sunday), by part of the job."""
    today = timezone.localdate()
    start = today - datetime.timedelta(days=today.weekday())
    logs = ActivityLog.objects.filter(
        officer=user, occurred_on__range=(start, start + datetime.timedelta(days=6))
    )
    return bar_chart(
        "home-week",
        "Your minutes this week by part of the job",
        every_group(activity_mix(logs, "group")),
        label_heading="Part of the job",
        value_key="minutes",
        value_label="Minutes",
    )


def _school_year(user) -> dict:
    """This school year's enforcement actions by kind and the activity mix, in one's scope."""
    year = school_year_of(timezone.localdate())
    start, end = school_year_bounds(year)
    actions = EnforcementAction.objects.visible_to(user).filter(occurred_on__range=(start, end))
    counts = {row.keys[0]: row.count for row in enforcement_counts(actions, "kind")}
    kinds = [
        {"label": str(label), "count": counts.get(value, 0)}
        for value, label in EnforcementAction.Kind.choices
    ]
    logs = ActivityLog.objects.visible_to(user).filter(occurred_on__range=(start, end))
    return {
        "school_year": school_year_label(year),
        "enforcement_chart": bar_chart(
            "home-enforcement",
            "Enforcement actions by kind",
            kinds,
            label_heading="Kind",
            value_label="Actions",
        ),
        "activity_chart": bar_chart(
            "home-activity",
            "SRO time by part of the job",
            every_group(activity_mix(logs, "group")),
            label_heading="Part of the job",
            value_key="hours",
            value_label="Hours",
        ),
    }


def _count_by_district(queryset):
    """How many rows of `queryset` each district has, as a subquery (0 when none)."""
    counted = (
        queryset.filter(district_id=OuterRef("pk"))
        .order_by()
        .values("district_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def districts_needing_attention(today=None, limit=ATTENTION_LIMIT):
    """Districts with the most overdue MOU reviews, complaints not acknowledged in time and
    incidents awaiting review, worst first, in one query."""
    today = today or timezone.localdate()
    return list(
        District.objects.annotate(
            mou_reviews=_count_by_district(
                MOU.objects.in_force(today).filter(review_due_on__lt=today)
            ),
            complaints=_count_by_district(Complaint.objects.acknowledgement_overdue(today)),
            reviews=_count_by_district(Incident.objects.awaiting_review()),
        )
        .annotate(total=F("mou_reviews") + F("complaints") + F("reviews"))
        .filter(total__gt=0)
        .order_by("-total", "name")[:limit]
    )


def _training(user, scope) -> dict:
    """One's own training status (worked out for one person, with what each requirement asks),
    and one's staff's counted by status in SQL over the compliance summary."""
    own = scope.has_any(ROLE_AUDIENCE)
    oversees = scope.has_any({Role.DISTRICT_ADMIN, Role.BUILDING_ADMIN, Role.AGENCY_SUPERVISOR})
    found = {}
    if own:
        [found["own_training"]] = compliance_for([user])
    if oversees:
        refresh_stale()
        found["staff_training"] = ComplianceStatus.objects.visible_to(user).counts()
    return found


def _contacts_for(user, scope):
    """An SRO's building and district contacts; administrators' agency contacts."""
    wanted = Q()
    if Role.SRO in scope.roles:
        assignments = Assignment.objects.filter(officer=user).in_dates()
        wanted |= Q(level=Contact.Level.DISTRICT, program__in=assignments.values("program_id"))
        wanted |= Q(level=Contact.Level.BUILDING, school__in=assignments.values("school_id"))
    if scope.has_any({Role.DISTRICT_ADMIN, Role.BUILDING_ADMIN}):
        wanted |= Q(level=Contact.Level.AGENCY, district_id__in=scope.local_district_ids)
    return (
        Contact.objects.filter(wanted).select_related("school", "program").order_by("level", "name")
    )
