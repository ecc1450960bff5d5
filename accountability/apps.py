from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "accountability"
    retention_kinds = {
        "complaints": {
            "model": "Complaint",
            "date": "received_at",
            "only": {"status__in": ["resolved", "withdrawn"]},
            "with": ["history"],
        },
        "meetings": {"model": "Meeting", "date": "held_on"},
        "survey_results": {"model": "SurveyResult", "date": "school_year"},
        "enrollment": {"model": "Enrollment", "date": "school_year"},
    }
