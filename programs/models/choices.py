"""Vocabulary of the best-practice document, shared by programs and the apps that build on them."""

from django.db import models


class Side(models.TextChoices):
    DISTRICT = "district", "School district"
    AGENCY = "agency", "Law enforcement agency"


class PartOfJob(models.TextChoices):
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    COUNSELOR_MENTOR = "counselor_mentor", "Informal counselor/mentor"
    EDUCATOR = "educator", "Educator"
    OUTREACH = "outreach", "Community outreach"


class Classification(models.TextChoices):
    DISCIPLINARY = "disciplinary", "Disciplinary misconduct (the school handles it)"
    POSSIBLY_ILLEGAL = "possibly_illegal", "Possibly illegal conduct"


class Responder(models.TextChoices):
    SCHOOL_ADMIN = "school_admin", "School administrator"
    SRO = "sro", "SRO"
    BOTH = "both", "Both"


class NonEnforcementResponse(models.TextChoices):
    NO_ACTION = "no_action", "No action"
    WARNING = "warning", "Warning"
    REFERRAL_TO_SERVICES = "referral_to_services", "Referral to services"
    RESTORATIVE_PRACTICE = "restorative_practice", "Restorative practice"


class Stakeholder(models.TextChoices):
    STUDENTS = "students", "Students"
    FAMILIES = "families", "Families"
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    SCHOOL_STAFF = "school_staff", "School staff"
    COMMUNITY_PARTNERS = "community_partners", "Community partners"
