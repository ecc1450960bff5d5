from django import template
from django.db.models import Q

from training.models import Requirement

register = template.Library()


@register.simple_tag
def training_requirements(program):
    """The statewide requirements and the program's own, for pages of programs (the MOU) that
    show what the training app holds without importing it."""
    return list(
        Requirement.objects.filter(Q(program__isnull=True) | Q(program=program))
        .select_related("topic", "course")
        .order_by("audience", "pk")
    )
