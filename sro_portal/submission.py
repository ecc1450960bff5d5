"""A create form posted twice creates one record.

Every create form carries a fresh token in a hidden field. The view claims the token in the same
transaction as the write: a second sending of the same form finds it taken (the database's unique
index decides, even for two sendings at the same instant) and creates nothing. A refused sending
rolls its claim back, so the corrected form can be sent again.
"""

import re
import uuid

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import IntegrityError, transaction

from .models import FormSubmission

FIELD = "submission"


class AlreadySubmitted(Exception):
    def __init__(self, created):
        super().__init__("This form was sent already.")
        self.created = created  # what the first sending created, or None


TOKEN = r"^[0-9a-f]{32}$"


def add_token(form) -> None:
    form.fields[FIELD] = forms.CharField(
        widget=forms.HiddenInput,
        required=False,
        initial=uuid.uuid4().hex,
        validators=[RegexValidator(TOKEN, "This form is damaged; reload the page.")],
    )


def sent_before(token) -> FormSubmission | None:
    """The earlier sending of a form with this token, if any. The token comes straight from the
    request, before the form checks it: anything but a well-formed one is never looked up (a NUL
    byte, for one, is an error to PostgreSQL)."""
    if not token or not re.fullmatch(TOKEN, token):
        return None
    return FormSubmission.objects.filter(token=token).first()


def claim(form) -> FormSubmission | None:
    """Claim the form's token, inside the caller's transaction; a taken one raises
    `AlreadySubmitted`. A form sent without a token (no browser omits it) is not tracked."""
    token = form.cleaned_data.get(FIELD)
    if not token:
        return None
    try:
        with transaction.atomic():
            return FormSubmission.objects.create(token=token)
    except IntegrityError:
        first = sent_before(token)
        raise AlreadySubmitted(first.created if first else None) from None


def record(submission: FormSubmission | None, created) -> None:
    """Remember what the claimed sending created, so a repeat can show it."""
    if submission is None or getattr(created, "pk", None) is None:
        return
    submission.content_type = ContentType.objects.get_for_model(created)
    submission.object_id = str(created.pk)
    submission.save(update_fields=["content_type", "object_id"])
