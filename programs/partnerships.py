"""What the directory's scoping asks of programs: who works with whom, as subqueries."""

from django.db.models import Q

from sro_portal.scope import Partnerships

from .models import Assignment, Program


class ProgramPartnerships(Partnerships):
    def districts_served_by(self, agency_ids):
        return Program.objects.filter(agency_id__in=agency_ids).values("district_id")

    def agencies_serving(self, district_ids):
        return Program.objects.filter(district_id__in=district_ids).values("agency_id")

    def schools_assigned_to(self, user_id):
        return Assignment.objects.filter(officer_id=user_id).values("school_id")

    def officers_assigned_in(self, *, district_ids, school_ids):
        return Assignment.objects.filter(
            Q(district_id__in=district_ids) | Q(school_id__in=school_ids)
        ).values("officer_id")
