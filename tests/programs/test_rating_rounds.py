"""Stakeholders rate the candidates themselves through one-time links: the district's pages that
issue and revoke them, the rater's page, and what the ranking makes of their ratings."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programs import services
from programs.forms import CandidateRatingForm
from programs.models import Candidate, CandidateRating, Program, RatingLink, RatingRound, token_hash
from sro_portal.audit import Actor
from sro_portal.models import AuditLog
from tests.factories import (
    CandidateFactory,
    CandidateRatingFactory,
    RatingLinkFactory,
    SelectionCriterionFactory,
)

pytestmark = pytest.mark.django_db
Stake = CandidateRating.Stake
TOKEN = "a-long-token-only-its-holder-knows-0123456789"


@pytest.fixture
def link(tenant):
    return RatingLinkFactory(
        round__program=tenant.program, round__created_by=tenant.district_admin, token=TOKEN
    )


def rate_url():
    return reverse("programs:rate")


def link_url(token=TOKEN):
    return reverse("programs:rate_link", args=[token])


def scores_for(program, score="4"):
    return {
        f"score_{c.pk}_{k.pk}": score
        for c in program.candidates.all()
        for k in program.selection_criteria.all()
    }


def open_link(client, token=TOKEN):
    response = client.get(link_url(token))
    assert response.status_code == 302
    return response


def client_for(user):
    """A second browser, with a session of its own."""
    client = Client()
    client.force_login(user)
    return client


def round_form(**extra):
    data = {"title": "Choosing our SRO", "valid_days": "7"}
    for stake in Stake.values:
        data[f"links_{stake}"] = "0"
        data[f"emails_{stake}"] = ""
    return {**data, **extra}


# The district's pages


def test_a_district_admin_issues_links_shown_once_and_keeps_only_their_hashes(
    client, tenant, django_capture_on_commit_callbacks
):
    client.force_login(tenant.district_admin)
    create = reverse("programs:ratinground_create", args=[tenant.program.pk])
    form = client.get(create).context["form"]
    data = round_form(
        links_student="3",
        links_family="2",
        emails_family="parent@example.org",
        **{"submission": form["submission"].initial},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(create, data)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    rating_round = RatingRound.objects.get()
    assert rating_round.created_by == tenant.district_admin
    links = rating_round.links.all()
    assert sorted(link.stake for link in links) == [
        "family",
        "family",
        "student",
        "student",
        "student",
    ]
    assert {link.district_id for link in links} == {tenant.district.pk}
    assert {link.agency_id for link in links} == {tenant.agency.pk}
    shown = re.findall(r"http://testserver/rate/([\w-]+)/", response.content.decode())
    assert len(shown) == 5
    assert all(len(token) >= 43 for token in shown)
    # Only the hash of each token is stored, never the token itself.
    assert {token_hash(t) for t in shown} == {link.token_hash for link in links}
    for token in shown:
        assert not RatingLink.objects.filter(token_hash=token).exists()
    assert all(
        link.expires_at == rating_round.created_at + datetime.timedelta(days=7) for link in links
    )
    # One email, to the address given, with a family link; the address is not stored.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["parent@example.org"]
    emailed = re.search(r"/rate/([\w-]+)/", mail.outbox[0].body).group(1)
    assert links.get(token_hash=token_hash(emailed)).stake == Stake.FAMILY
    entry = AuditLog.objects.get(
        content_type=ContentType.objects.get_for_model(RatingRound),
        action=AuditLog.Action.CREATE,
        object_id=str(rating_round.pk),
    )
    assert entry.actor == tenant.district_admin
    assert entry.detail == {"links": {"student": 3, "family": 2}, "emailed": 1}
    assert "parent@example.org" not in str(entry.detail)
    # Sent again (a reload), the form issues nothing more and shows no link again.
    again = client.post(create, data)
    assert again.url == rating_round.get_absolute_url()
    assert RatingLink.objects.count() == 5
    detail = client.get(rating_round.get_absolute_url()).content.decode()
    assert not any(token in detail for token in shown)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({}, "__all__"),
        ({"links_student": "-1"}, "links_student"),
        ({"links_student": "501"}, "links_student"),
        ({"links_student": "1", "emails_student": "not-an-address"}, "emails_student"),
        (
            {"links_student": "1", "emails_student": "a@example.org\nb@example.org"},
            "emails_student",
        ),
        ({"links_student": "1", "valid_days": "0"}, "valid_days"),
        ({"links_student": "1", "title": ""}, "title"),
    ],
)
def test_a_round_form_with_bad_input_says_why_keeps_the_input_and_issues_nothing(
    client, tenant, extra, field
):
    client.force_login(tenant.district_admin)
    response = client.post(
        reverse("programs:ratinground_create", args=[tenant.program.pk]),
        round_form(**{"title": "Kept title", **extra}),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    if field != "title":
        assert form["title"].value() == "Kept title"
    assert not RatingRound.objects.exists()
    assert not RatingLink.objects.exists()


def test_no_round_without_candidates_and_criteria(tenant):
    program = Program.objects.get(pk=tenant.program.pk)
    Candidate.objects.filter(program=program).delete()
    with pytest.raises(ValidationError, match="candidates"):
        services.rating_round_create(
            actor=Actor(user=tenant.district_admin),
            program=program,
            title="Too early",
            valid_days=7,
            links={Stake.STUDENT: 1},
        )
    assert not RatingRound.objects.exists()


def test_the_program_page_leads_to_the_rounds(client, tenant):
    client.force_login(tenant.district_admin)
    page = client.get(tenant.program.get_absolute_url()).content.decode()
    assert reverse("programs:ratinground_list", args=[tenant.program.pk]) in page


def test_rounds_show_counts_per_group_in_each_state(client, tenant, link):
    rating_round = link.round
    now = timezone.now()
    RatingLinkFactory(round=rating_round, stake=Stake.STUDENT, used_at=now)
    RatingLinkFactory(round=rating_round, stake=Stake.STUDENT, expires_at=now)
    RatingLinkFactory(
        round=rating_round, stake=Stake.FAMILY, revoked_at=now, revoked_by=tenant.district_admin
    )
    counts = rating_round.links.counts_by_stake()
    assert counts[(rating_round.pk, Stake.STUDENT)] == {
        "issued": 3,
        "used": 1,
        "revoked": 0,
        "expired": 1,
        "open": 1,
    }
    assert counts[(rating_round.pk, Stake.FAMILY)]["revoked"] == 1
    client.force_login(tenant.agency_supervisor)
    response = client.get(reverse("programs:ratinground_list", args=[tenant.program.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<th scope="row">Student</th><td>3</td><td>1</td><td>1</td><td>1</td><td>0</td>' in page
    # The agency's supervisors see the rounds; only the district runs them.
    assert "Start a rating round" not in page
    detail = client.get(rating_round.get_absolute_url()).content.decode()
    assert "Revoke every unused link" not in detail
    assert "/revoke/" not in detail


def test_a_district_admin_revokes_one_link_and_then_every_unused_one(client, tenant, link):
    used = RatingLinkFactory(round=link.round, used_at=timezone.now())
    other = RatingLinkFactory(round=link.round, stake=Stake.FAMILY)
    client.force_login(tenant.district_admin)
    response = client.post(
        reverse("programs:ratinglink_revoke", args=[tenant.program.pk, link.round.pk, link.pk])
    )
    assert response.url == link.round.get_absolute_url()
    link.refresh_from_db()
    assert link.revoked_by == tenant.district_admin
    assert link.state() == RatingLink.State.REVOKED
    assert AuditLog.objects.filter(
        action=AuditLog.Action.UPDATE, object_id=str(link.pk), actor=tenant.district_admin
    ).exists()
    client.post(reverse("programs:ratinground_revoke", args=[tenant.program.pk, link.round.pk]))
    other.refresh_from_db()
    used.refresh_from_db()
    assert other.state() == RatingLink.State.REVOKED
    assert used.state() == RatingLink.State.USED and used.revoked_at is None
    entry = AuditLog.objects.get(
        content_type=ContentType.objects.get_for_model(RatingRound),
        object_id=str(link.round.pk),
        action=AuditLog.Action.UPDATE,
    )
    assert entry.detail == {"revoked_links": 1}
    # A used link's ratings count: it is not revoked.
    response = client.post(
        reverse("programs:ratinglink_revoke", args=[tenant.program.pk, link.round.pk, used.pk]),
        follow=True,
    )
    assert "has been used" in response.content.decode()
    used.refresh_from_db()
    assert used.revoked_at is None


@pytest.mark.parametrize("role", ["agency_supervisor", "building_admin", "sro"])
def test_only_the_district_manages_rounds(client, tenant, link, role):
    client.force_login(getattr(tenant, role))
    program = tenant.program
    assert client.get(reverse("programs:ratinground_create", args=[program.pk])).status_code == 403
    revoke = reverse("programs:ratinglink_revoke", args=[program.pk, link.round.pk, link.pk])
    assert client.post(revoke).status_code == 403
    revoke_all = reverse("programs:ratinground_revoke", args=[program.pk, link.round.pk])
    assert client.post(revoke_all).status_code == 403
    link.refresh_from_db()
    assert link.revoked_at is None
    # The agency's supervisors watch the rounds; building administrators and SROs do not.
    expected = 200 if role == "agency_supervisor" else 403
    assert client.get(link.round.get_absolute_url()).status_code == expected


def test_another_districts_round_answers_404(client, tenant, other_tenant, link):
    client.force_login(other_tenant.district_admin)
    assert client.get(link.round.get_absolute_url()).status_code == 404
    revoke = reverse("programs:ratinglink_revoke", args=[tenant.program.pk, link.round.pk, link.pk])
    assert client.post(revoke).status_code == 404
    # Nor through their own program's address.
    own = reverse("programs:ratinground_detail", args=[other_tenant.program.pk, link.round.pk])
    assert client.get(own).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_the_public_cannot_reach_round_management(client, tenant, link):
    for url in (
        reverse("programs:ratinground_list", args=[tenant.program.pk]),
        reverse("programs:ratinground_create", args=[tenant.program.pk]),
        link.round.get_absolute_url(),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    revoke = reverse("programs:ratinground_revoke", args=[tenant.program.pk, link.round.pk])
    assert client.post(revoke).status_code == 302
    assert not RatingLink.objects.filter(revoked_at__isnull=False).exists()


def test_an_ended_programs_rounds_are_closed(client, tenant, link):
    Program.objects.filter(pk=tenant.program.pk).update(status=Program.Status.ENDED)
    client.force_login(tenant.district_admin)
    assert (
        client.get(reverse("programs:ratinground_create", args=[tenant.program.pk])).status_code
        == 403
    )
    assert client.get(link_url()).status_code == 410


# The rater's page


def test_the_link_goes_into_the_session_and_out_of_the_address(client, tenant, link):
    response = open_link(client)
    assert response.url == rate_url()
    assert TOKEN not in response.url
    assert client.session["rating_link"] == link.pk
    assert TOKEN not in str(dict(client.session))
    page = client.get(rate_url())
    assert page.status_code == 200
    content = page.content.decode()
    assert TOKEN not in content
    assert tenant.rating.candidate.name in content
    assert tenant.rating.criterion.description in content
    assert "Student" in content and "leave it blank to stay anonymous" in content.lower()


def test_a_stakeholder_rates_once_anonymously_and_the_ranking_counts_it(client, tenant, link):
    program = tenant.program
    second = CandidateFactory(program=program, name="Officer Second")
    open_link(client)
    response = client.post(
        rate_url(),
        {**scores_for(program, "2"), f"comment_{second.pk}": "Patient with students."},
    )
    assert response.url == rate_url()
    ratings = CandidateRating.objects.filter(link=link)
    assert ratings.count() == 2
    assert {r.rater_stake for r in ratings} == {Stake.STUDENT}
    assert {r.rater_name for r in ratings} == {""}
    assert ratings.get(candidate=second).comment == "Patient with students."
    assert {r.district_id for r in ratings} == {tenant.district.pk}
    link.refresh_from_db()
    assert link.state() == RatingLink.State.USED
    thanks = client.get(rate_url())
    assert thanks.status_code == 200 and "ratings were received" in thanks.content.decode()
    # Counted as ratings typed in by staff are: the staff rating (4) and this one (2).
    ranked = {c.pk: c for c in Candidate.objects.filter(program=program).ranked()}
    first = ranked[tenant.rating.candidate.pk]
    assert (first.mean_score, first.rating_count) == (3, 2)
    assert (ranked[second.pk].mean_score, ranked[second.pk].rating_count) == (2, 1)
    page = client_for(tenant.district_admin).get(program.get_absolute_url())
    assert "3.00" in page.content.decode()
    # Audited, with no one as the actor: the rater has no account.
    created = AuditLog.objects.filter(action=AuditLog.Action.CREATE, actor=None)
    assert {e.object_id for e in created} >= {str(r.pk) for r in ratings}
    assert AuditLog.objects.filter(
        action=AuditLog.Action.UPDATE, object_id=str(link.pk), actor=None
    ).exists()


def test_a_link_is_used_once(client, tenant, link):
    open_link(client)
    client.post(rate_url(), scores_for(tenant.program))
    again = client.get(link_url())
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert CandidateRating.objects.filter(link=link).count() == 1


def test_two_sendings_of_one_link_count_once(client, tenant, link):
    """Two browsers open the same link before either sends: the second sending finds the link
    used (it is locked and marked in the same transaction) and saves nothing."""
    other = client_for(tenant.sro)
    open_link(client)
    open_link(other)
    assert client.post(rate_url(), scores_for(tenant.program, "5")).status_code == 302
    late = other.post(rate_url(), scores_for(tenant.program, "1"))
    assert late.status_code == 410
    assert list(CandidateRating.objects.filter(link=link).values_list("score", flat=True)) == [5]


def test_the_service_refuses_a_used_link_whoever_calls_it(tenant, link):
    link.used_at = timezone.now()
    link.save()
    with pytest.raises(ValidationError, match="already been used"):
        services.rating_link_submit(
            actor=Actor(user=None),
            link=link,
            scores={(tenant.rating.candidate.pk, tenant.rating.criterion.pk): 3},
        )
    assert not CandidateRating.objects.filter(link=link).exists()


def test_an_expired_link_answers_410_and_saves_nothing(client, tenant, link):
    open_link(client)
    RatingLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    response = client.post(rate_url(), scores_for(tenant.program))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert client.get(link_url()).status_code == 410
    assert not CandidateRating.objects.filter(link=link).exists()


def test_a_revoked_link_answers_410_and_saves_nothing(client, tenant, link):
    open_link(client)
    services.rating_link_revoke(actor=Actor(user=tenant.district_admin), link=link)
    response = client.post(rate_url(), scores_for(tenant.program))
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert client.get(link_url()).status_code == 410
    assert not CandidateRating.objects.filter(link=link).exists()


def test_an_unknown_token_or_no_link_answers_404_in_plain_words(client, link):
    response = client.get(link_url("not-a-token-anyone-was-given"))
    assert response.status_code == 404
    assert "not known" in response.content.decode()
    assert "rating_link" not in client.session
    response = client.get(rate_url())
    assert response.status_code == 404
    assert "Open the link from your invitation" in response.content.decode()
    assert client.post(rate_url(), {}).status_code == 404
    assert not CandidateRating.objects.filter(link__isnull=False).exists()


@pytest.mark.parametrize("bad", ["", "0", "6", "nine"])
def test_bad_scores_are_shown_beside_their_field_with_the_input_kept(client, tenant, link, bad):
    program = tenant.program
    criterion2 = SelectionCriterionFactory(program=program)
    candidate = tenant.rating.candidate
    open_link(client)
    data = scores_for(program, "3")
    data[f"score_{candidate.pk}_{criterion2.pk}"] = bad
    data["rater_name"] = "Kept Name"
    response = client.post(rate_url(), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {f"score_{candidate.pk}_{criterion2.pk}": ["Choose a score from 1 to 5."]}
    assert form[f"score_{candidate.pk}_{tenant.rating.criterion.pk}"].value() == "3"
    content = response.content.decode()
    assert '<option value="3" selected>' in content
    assert 'value="Kept Name"' in content
    assert 'aria-invalid="true"' in content
    assert not CandidateRating.objects.filter(link=link).exists()
    link.refresh_from_db()
    assert link.used_at is None


def test_the_raters_page_runs_a_fixed_number_of_queries(
    client, tenant, link, django_assert_max_num_queries
):
    for _ in range(6):
        CandidateFactory(program=tenant.program)
        SelectionCriterionFactory(program=tenant.program)
    open_link(client)
    # The session, the link with its program, the candidates, the criteria (and a savepoint).
    with django_assert_max_num_queries(6):
        assert client.get(rate_url()).status_code == 200


# The ratings themselves


def test_anonymous_raters_do_not_collide_and_named_staff_ratings_stay_unique(tenant, link):
    other = RatingLinkFactory(round=link.round)
    for rating_link in (link, other):
        services.rating_link_submit(
            actor=Actor(user=None),
            link=rating_link,
            scores={(tenant.rating.candidate.pk, tenant.rating.criterion.pk): 3},
        )
    assert CandidateRating.objects.filter(rater_name="").count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        CandidateRatingFactory(
            candidate=tenant.rating.candidate,
            criterion=tenant.rating.criterion,
            rater_name=tenant.rating.rater_name,
        )
    # Staff who type a rating in name its rater.
    with pytest.raises(IntegrityError), transaction.atomic():
        CandidateRatingFactory(candidate=tenant.rating.candidate, rater_name="")


def test_staff_still_name_the_rater_of_a_rating_they_record(tenant):
    form = CandidateRatingForm(
        data={
            "candidate": tenant.rating.candidate.pk,
            "criterion": tenant.rating.criterion.pk,
            "rater_name": "",
            "rater_stake": Stake.FAMILY,
            "score": 3,
        },
        program=tenant.program,
        user=tenant.district_admin,
    )
    assert "rater_name" in form.errors


def test_state_staff_read_rounds_in_the_admin_without_tokens(client, tenant, link, state_staff):
    client.force_login(state_staff)
    url = reverse("admin:programs_ratinground_change", args=[link.round.pk])
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert link.token_hash not in content and TOKEN not in content
    assert 'name="title"' not in content  # read-only
    assert client.get(reverse("admin:programs_ratinground_add")).status_code == 403
