"""Stakeholders' rating rounds: the district issues one-time links, and each stakeholder rates
the candidates through theirs without an account."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, TemplateView

from sro_portal.audit import Actor
from sro_portal.forms import add_service_errors
from sro_portal.mixins import ServiceFormMixin
from sro_portal.permissions import allows
from sro_portal.roles import Role

from .. import services
from ..forms import RatingForm, RatingRoundForm
from ..models import CandidateRating, RatingLink, RatingRound
from .mixins import ProgramMixin

MANAGE_RULE = "programs.manage_rating_rounds"
MANAGERS = frozenset({Role.DISTRICT_ADMIN})
# Those who choose the SRO see the rounds; state staff audit them.
WATCHERS = frozenset({Role.STATE_STAFF, Role.DISTRICT_ADMIN, Role.AGENCY_SUPERVISOR})

# The session remembers which link the browser opened, so the token leaves the address bar.
SESSION_LINK = "rating_link"
SESSION_THANKS = "rating_thanks"


def _counts_table(counts: dict, round_pk: int) -> list[tuple[str, dict]]:
    """(group label, its counts) for each group the round issued links to."""
    return [
        (label, counts[(round_pk, stake)])
        for stake, label in CandidateRating.Stake.choices
        if (round_pk, stake) in counts
    ]


class RatingRoundListView(ProgramMixin, TemplateView):
    roles = WATCHERS
    template_name = "programs/ratinground_list.html"

    def get_context_data(self, **kwargs):
        rounds = list(self.program.rating_rounds.select_related("created_by"))
        counts = RatingLink.objects.filter(round__program=self.program).counts_by_stake()
        return super().get_context_data(
            rounds=[(r, _counts_table(counts, r.pk)) for r in rounds],
            can_manage=allows(MANAGE_RULE, self.request.user, self.program),
            **kwargs,
        )


class RatingRoundDetailView(ProgramMixin, DetailView):
    roles = WATCHERS
    context_object_name = "round"

    def get_queryset(self):
        return RatingRound.objects.filter(program=self.program).select_related("created_by")

    def get_context_data(self, **kwargs):
        counts = self.object.links.counts_by_stake()
        return super().get_context_data(
            counts=_counts_table(counts, self.object.pk),
            links=self.object.links.select_related("revoked_by"),
            can_manage=allows(MANAGE_RULE, self.request.user, self.program),
            **kwargs,
        )


class RatingRoundCreateView(ProgramMixin, ServiceFormMixin, CreateView):
    """Issue the links. Their addresses are shown once, on the answer to this form: only their
    hashes are kept, so they cannot be shown again."""

    roles = MANAGERS
    edit = True
    edit_rule = MANAGE_RULE
    model = RatingRound
    form_class = RatingRoundForm

    def perform(self, form):
        self.object, issued = services.rating_round_create(
            actor=self.actor,
            program=self.program,
            title=form.cleaned_data["title"],
            valid_days=form.cleaned_data["valid_days"],
            links=form.links(),
            emails=form.emails(),
            link_url=self.link_url,
        )
        groups = [
            (label, [self.link_url(token) for link, token in issued if link.stake == stake])
            for stake, label in CandidateRating.Stake.choices
        ]
        response = render(
            self.request,
            "programs/ratinground_issued.html",
            {
                "program": self.program,
                "round": self.object,
                "groups": [(label, urls) for label, urls in groups if urls],
                "emailed": sum(len(a) for a in form.emails().values()),
            },
        )
        add_never_cache_headers(response)
        return response

    def link_url(self, token: str) -> str:
        return self.request.build_absolute_uri(reverse("programs:rate_link", args=[token]))


class RatingRoundChildMixin(ProgramMixin):
    """A button of the round's page that a district administrator presses: POST only."""

    roles = MANAGERS
    edit = True
    edit_rule = MANAGE_RULE
    http_method_names = ["post"]

    def get_round(self, pk):
        return get_object_or_404(RatingRound.objects.filter(program=self.program), pk=pk)

    def answer(self, rating_round, act, success: str):
        """Run the service; its refusal or the outcome comes back as a message on the round."""
        try:
            outcome = act()
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
        else:
            messages.success(self.request, success.format(outcome))
        return redirect(rating_round.get_absolute_url())


class RatingLinkRevokeView(RatingRoundChildMixin, View):
    def post(self, request, program_pk, round_pk, pk):
        rating_round = self.get_round(round_pk)
        link = get_object_or_404(rating_round.links.select_related("round__program"), pk=pk)
        return self.answer(
            rating_round,
            lambda: services.rating_link_revoke(actor=self.actor, link=link),
            f"Link {link.pk} revoked: it no longer opens the rating page.",
        )


class RatingRoundRevokeView(RatingRoundChildMixin, View):
    def post(self, request, program_pk, pk):
        rating_round = self.get_round(pk)
        return self.answer(
            rating_round,
            lambda: services.rating_round_revoke_unused(
                actor=self.actor, rating_round=rating_round
            ),
            "{} unused link(s) revoked.",
        )


def link_closed(request, link: RatingLink | None, *, opened: bool = False):
    """The plain page for a link that cannot be used: 404 for one nobody issued (or, with
    `opened` false, a visit with no link opened first), 410 for one used, revoked or expired."""
    state = link.state() if link is not None else None
    return render(
        request,
        "programs/rate_closed.html",
        {"link": link, "state": state, "opened": opened, "State": RatingLink.State},
        status=404 if link is None else 410,
    )


class RateLinkView(View):
    """The address in the invitation. Like Django's password reset, it puts the link in the
    session and sends the browser on to an address without the token, so the token does not
    travel in a Referer header or stay in logs and history."""

    def get(self, request, token):
        link = RatingLink.objects.with_token(token).select_related("round__program").first()
        if link is None or not allows("programs.rate_with_link", None, link):
            return link_closed(request, link, opened=True)
        request.session.cycle_key()
        request.session[SESSION_LINK] = link.pk
        return redirect("programs:rate")


class RateView(FormView):
    """The stakeholder's page: every candidate against every criterion, their group fixed."""

    form_class = RatingForm
    template_name = "programs/rate.html"

    def dispatch(self, request, *args, **kwargs):
        if request.method == "GET" and request.session.pop(SESSION_THANKS, False):
            return render(request, "programs/rate_thanks.html")
        pk = request.session.get(SESSION_LINK)
        self.link = (
            RatingLink.objects.select_related("round__program__district", "round__program__agency")
            .filter(pk=pk)
            .first()
            if pk
            else None
        )
        if self.link is None:
            return link_closed(request, None, opened=pk is not None)
        if not allows("programs.rate_with_link", None, self.link):
            del request.session[SESSION_LINK]
            return link_closed(request, self.link)
        program = self.link.round.program
        self.candidates = list(program.candidates.all())
        self.criteria = list(program.selection_criteria.all())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "candidates": self.candidates,
            "criteria": self.criteria,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            link=self.link, round=self.link.round, program=self.link.round.program, **kwargs
        )

    def form_valid(self, form):
        # The rater has no account, and a signed-in person rates as a stakeholder, not as staff.
        actor = Actor(user=None, ip_address=Actor.from_request(self.request).ip_address)
        try:
            services.rating_link_submit(
                actor=actor,
                link=self.link,
                scores=form.scores(),
                comments=form.comments(),
                rater_name=form.cleaned_data["rater_name"],
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "forbidden":  # used, revoked or expired meanwhile
                self.link.refresh_from_db()
                del self.request.session[SESSION_LINK]
                return link_closed(self.request, self.link)
            add_service_errors(form, error)
            return self.form_invalid(form)
        del self.request.session[SESSION_LINK]
        self.request.session[SESSION_THANKS] = True
        return redirect("programs:rate")
