from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Exists, OuterRef, Q
from django.views.generic import TemplateView

from incidents.models import Incident
from programs.models import MOU, Assignment, Program
from programs.reminders import reminders_for
from sro_portal.models import Agency, District, School, User
from sro_portal.roles import Role
from sro_portal.scope import scope_of
from training.compliance import compliance_for, summarise
from training.models import ROLE_AUDIENCE

from ..models import Complaint, Contact
from ..oversight import meeting_status, overdue_evaluations


class HomeView(LoginRequiredMixin, TemplateView):
    """Each person's starting page: one section for each role they hold."""

    template_name = "accountability/home.html"

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
            context["complaints_overdue"] = (
                Complaint.objects.visible_to(user).acknowledgement_overdue().count()
            )
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
        return context


def _training(user, scope) -> dict:
    """One's own training status and one's staff's, worked out together in one pass."""
    own = scope.has_any(ROLE_AUDIENCE)
    oversees = scope.has_any({Role.DISTRICT_ADMIN, Role.BUILDING_ADMIN, Role.AGENCY_SUPERVISOR})
    staff = (
        list(User.objects.visible_to(user).filter(is_active=True).exclude(pk=user.pk))
        if oversees
        else []
    )
    if not (own or oversees):
        return {}
    results = compliance_for([user, *staff] if own else staff)
    found = {}
    if own:
        found["own_training"], results = results[0], results[1:]
    if oversees:
        found["staff_training"] = summarise(results)
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
