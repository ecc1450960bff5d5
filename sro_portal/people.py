"""Summaries that apps above the tenancy core keep about people (training compliance depends on
one's roles and the day one took them up) are refreshed after a person's memberships or account
change, whoever changes them. The core names no model above it: an app keeping such a summary
installs a listener at start-up, as programs installs its partnerships."""

_listeners = []


def on_people_changed(listener) -> None:
    """`listener(user_ids=...)` runs inside the transaction of each change."""
    if listener not in _listeners:
        _listeners.append(listener)


def people_changed(user_ids) -> None:
    user_ids = {pk for pk in user_ids if pk is not None}
    if user_ids:
        for listener in _listeners:
            listener(user_ids=user_ids)
