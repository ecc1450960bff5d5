from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    # Purged in this order: an action before its incident (sro_portal/retention.py).
    retention_kinds = {
        "enforcement_actions": {"model": "EnforcementAction", "date": "occurred_on"},
        "incidents": {"model": "Incident", "date": "occurred_at"},
        "activity_logs": {"model": "ActivityLog", "date": "occurred_on"},
    }
    verbose_name = "Field records"
