"""Who may see what.

Every scoped model's QuerySet has `visible_to(user)`, built on the user's `Scope`; views reach
objects only through it, so an object out of scope looks exactly like a missing one (404).
"""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied

from .audit import Actor
from .scope import scope_of


class ScopedAccessMixin(AccessMixin):
    """Class-based views: login, then one of `roles`, then objects only through `visible_to`.

    A user without one of the roles gets 403 (the navigation never offers them the page); an object
    outside the user's scope answers 404, exactly like a missing one.
    """

    roles: frozenset = frozenset()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not scope_of(request.user).has_any(self.roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    @property
    def actor(self) -> Actor:
        """Who acts, and from where, for the services and the audit log."""
        return Actor.from_request(self.request)
