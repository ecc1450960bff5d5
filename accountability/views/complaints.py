from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, FormView, ListView, TemplateView

from sro_portal import submission
from sro_portal.access import ScopedAccessMixin
from sro_portal.audit import Actor, AuditedDetailMixin, audit_record
from sro_portal.forms import add_service_errors
from sro_portal.lists import FilteredListMixin, yes_no
from sro_portal.models import AuditLog
from sro_portal.network import count_use, over_limit
from sro_portal.roles import Role

from .. import services
from ..filters import ComplaintFilter
from ..forms import ComplaintForm, ComplaintStatusForm, ReviewerForm, StatusLookupForm
from ..models import Complaint

HANDLERS = frozenset({Role.STATE_STAFF, Role.DISTRICT_ADMIN, Role.AGENCY_SUPERVISOR})
COMPLAINTS_PER_HOUR = 5
COMPLAINT_RATE = f"{COMPLAINTS_PER_HOUR}/h"


class ComplaintCreateView(CreateView):
    """The public complaint form: no account needed, anonymous allowed."""

    model = Complaint
    form_class = ComplaintForm
    template_name = "accountability/complaint_form.html"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # Sent twice (a double click, a reload), the form files one complaint.
        submission.add_token(form)
        return form

    def form_valid(self, form):
        if form.cleaned_data.get("website"):
            form.add_error(None, _("Your complaint could not be accepted. Please try again."))
            return self.form_invalid(form)
        if count_use(self.request, "complaint", rate=COMPLAINT_RATE):
            form.add_error(
                None,
                _(
                    "Too many complaints were sent from this connection. Please "
                    "try again in an hour, or call the school district."
                ),
            )
            return self.form_invalid(form)
        try:
            with transaction.atomic():
                claimed = submission.claim(form)
                complaint = services.complaint_file(
                    actor=Actor.from_request(self.request), complaint=form.save(commit=False)
                )
                submission.record(claimed, complaint)
        except submission.AlreadySubmitted as repeat:
            # The first sending filed it: its tracking code is shown again, nothing new is made.
            if isinstance(repeat.created, Complaint):
                return self.thanks(repeat.created)
            return redirect("accountability:complaint_status")
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return self.thanks(complaint)

    def thanks(self, complaint):
        # The code is shown once, from the session: it never travels in a URL.
        self.request.session["complaint_tracking_code"] = complaint.tracking_code
        return redirect("accountability:complaint_thanks")


class ComplaintThanksView(TemplateView):
    template_name = "accountability/complaint_thanks.html"

    def get(self, request, *args, **kwargs):
        code = request.session.pop("complaint_tracking_code", None)
        if code is None:
            return redirect("accountability:complaint_status")
        return self.render_to_response(self.get_context_data(tracking_code=code))


class ComplaintStatusView(FormView):
    """Whoever holds a tracking code sees that complaint's status, and nothing else."""

    form_class = StatusLookupForm
    template_name = "accountability/complaint_status.html"

    def form_valid(self, form):
        # A tracking code can be guessed like a password: misses are throttled as sign-ins are.
        if over_limit(self.request, "complaint-lookup"):
            form.add_error(
                None,
                _(
                    "Too many unknown tracking codes from this connection. Please try again "
                    "in 15 minutes."
                ),
            )
            return self.form_invalid(form)
        complaint = (
            Complaint.objects.filter(tracking_code=form.cleaned_data["tracking_code"])
            .only("status", "received_at", "tracking_code")
            .first()
        )
        if complaint is None:
            count_use(self.request, "complaint-lookup")
            form.add_error(
                "tracking_code", _("No complaint has this tracking code. Check it and try again.")
            )
            return self.form_invalid(form)
        return render(
            self.request,
            self.template_name,
            {
                "form": StatusLookupForm(),
                "found": {
                    "status": complaint.get_status_display(),
                    "received": complaint.received_at,
                },
            },
        )


class ComplaintListView(FilteredListMixin, ScopedAccessMixin, ListView):
    roles = HANDLERS
    model = Complaint
    paginate_by = 25
    filterset_class = ComplaintFilter
    export_title = "Complaints"
    # The workflow only: the complainant's name, contact and account stay on the complaint page.
    export_headers = [
        "Received",
        "Tracking code",
        "Program",
        "School",
        "DPI school code",
        "District",
        "DPI district code",
        "Status",
        "Acknowledge by",
        "Acknowledgement overdue",
        "Reviewer",
        "Finding",
    ]

    def get_queryset(self):
        return super().get_queryset().select_related("program", "school", "reviewer")

    def export_rows(self, queryset):
        rows = queryset.select_related("program__district", "school__district")
        for complaint in rows.iterator(chunk_size=2000):
            school = complaint.school
            district = school.district if school else complaint.program.district
            yield [
                timezone.localtime(complaint.received_at).strftime("%Y-%m-%d %H:%M"),
                complaint.tracking_code,
                complaint.program.name,
                school.name if school else "",
                school.dpi_code if school else "",
                district.name,
                district.dpi_code,
                complaint.get_status_display(),
                complaint.acknowledge_by.isoformat(),
                yes_no(complaint.is_acknowledgement_overdue),
                str(complaint.reviewer) if complaint.reviewer else "",
                complaint.get_finding_display(),
            ]


class ComplaintDetailView(ScopedAccessMixin, AuditedDetailMixin, DetailView):
    """A complaint holds personal data: every view of it is audited."""

    roles = HANDLERS
    model = Complaint

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("program", "school", "reviewer")
            .prefetch_related("history__changed_by")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(**complaint_forms(self.object), **kwargs)


def complaint_forms(complaint, **bound):
    """The two forms of the complaint page; `bound` replaces one with its submitted copy."""
    forms = {
        "status_form": ComplaintStatusForm(complaint=complaint),
        "reviewer_form": ReviewerForm(
            complaint=complaint, initial={"reviewer": complaint.reviewer_id}
        ),
    }
    forms.update(bound)
    return forms


class ComplaintChildMixin(ScopedAccessMixin):
    roles = HANDLERS
    template_name = "accountability/complaint_detail.html"

    def get_complaint(self):
        return get_object_or_404(
            Complaint.objects.visible_to(self.request.user), pk=self.kwargs["pk"]
        )

    def post(self, request, *args, **kwargs):
        complaint = self.get_complaint()
        form = self.form_class(request.POST, complaint=complaint)
        if form.is_valid():
            try:
                self.perform(complaint, form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect(complaint.get_absolute_url())
        # The page shown again holds the whole complaint: it is a view like any other.
        audit_record(
            actor=Actor.from_request(request), action=AuditLog.Action.VIEW, instance=complaint
        )
        return render(
            request,
            self.template_name,
            {
                "complaint": complaint,
                "object": complaint,
                **complaint_forms(complaint, **{self.form_name: form}),
            },
        )


class ComplaintStatusChangeView(ComplaintChildMixin, TemplateView):
    form_class = ComplaintStatusForm
    form_name = "status_form"
    http_method_names = ["post"]

    def perform(self, complaint, data):
        complaint = services.complaint_change_status(actor=self.actor, complaint=complaint, **data)
        messages.success(self.request, f"The complaint is now {complaint.get_status_display()}.")


class ComplaintReviewerView(ComplaintChildMixin, TemplateView):
    form_class = ReviewerForm
    form_name = "reviewer_form"
    http_method_names = ["post"]

    def perform(self, complaint, data):
        services.complaint_assign_reviewer(
            actor=self.actor,
            complaint=complaint,
            reviewer=data["reviewer"],
            expected_version=data["expected_version"],
        )
        messages.success(self.request, f"{data['reviewer']} reviews the complaint.")
