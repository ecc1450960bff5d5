from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    # Account holders' completions stay: accounts are deactivated, never deleted.
    retention_kinds = {
        "roster_completions": {
            "label": "completions of roster people who left",
            "model": "Completion",
            "date": "staff_member__left_on",
        },
        "roster_people": {
            "label": "roster people who left",
            "model": "StaffMember",
            "date": "left_on",
        },
    }

    def ready(self):
        from sro_portal.people import on_people_changed

        from .summary import refresh_holders

        on_people_changed(refresh_holders)
