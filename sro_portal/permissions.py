"""Who may do what to an object: one django-rules predicate per action, in each app's `rules.py`
(found at start-up). Views, templates (`{% test_rule %}`), services and the admin all ask the same
rule, and a service refuses what its rule refuses, whoever calls it."""

import rules
from django.core.exceptions import ValidationError


def require(rule: str, user, obj=None, *, message: str, field: str | None = None) -> None:
    """Refuse, as a service does, what `rule` does not allow `user` to do to `obj`."""
    if not rules.test_rule(rule, user, obj):
        raise ValidationError({field: message} if field else message, code="forbidden")


def allows(rule: str, user, obj=None) -> bool:
    return rules.test_rule(rule, user, obj)
