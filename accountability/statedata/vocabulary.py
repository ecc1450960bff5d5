"""The words of generated records: activity notes, incident descriptions, offenses, the parts
of a program's definition, complaints and survey questions. Generic throughout: no student is
named or identified."""

from accountability.models import Expectation, SurveyResult
from incidents.models import Location
from programs.models import PartOfJob, SelectionCriterion
from training.models import Audience

REQUIREMENTS = [
    # audience, course index or topic code, hours, frequency, every n years, deadline days
    (Audience.SRO, 0, "40", "once", None, 365),
    (Audience.SRO, "de-escalation", "8", "yearly", None, 365),
    (Audience.SRO, "restorative-justice", "4", "every_n_years", 2, 730),
    (Audience.ADMINISTRATOR, "mandatory-reporting", "2", "yearly", None, 365),
    (Audience.TEACHER, "mandatory-reporting", "2", "yearly", None, 365),
    (Audience.PUPIL_SERVICES, "mandatory-reporting", "2", "yearly", None, 365),
    (Audience.OTHER_STAFF, "mandatory-reporting", "2", "yearly", None, 365),
    (Audience.PUPIL_SERVICES, 5, "3", "once", None, 365),
]

POSITIONS = {
    Audience.TEACHER: [
        "Grade {} teacher",
        "Science teacher",
        "Social studies teacher",
        "English teacher",
        "Math teacher",
        "Special education teacher",
    ],
    Audience.PUPIL_SERVICES: [
        "School counselor",
        "School psychologist",
        "School social worker",
        "School nurse",
    ],
    Audience.ADMINISTRATOR: ["Assistant principal", "Dean of students"],
    Audience.OTHER_STAFF: ["Paraprofessional", "Office manager", "Custodian", "Bus supervisor"],
}

COMPLAINTS = [
    "My child was questioned by the officer about a school rule without a staff member present.",
    "The officer's car blocked the bus lane at dismissal several days in a row.",
    "The officer spoke rudely to students waiting for the bus.",
    "A student was handcuffed at school for what seemed a minor matter.",
    "The officer searched a student's backpack instead of an administrator.",
    "Students felt singled out by the officer in the cafeteria.",
]

QUESTIONS = [
    ("I feel safe at school.", SurveyResult.Audience.STUDENTS, 0.72),
    ("I trust the school resource officer.", SurveyResult.Audience.STUDENTS, 0.58),
    ("The SRO helps keep our school safe.", SurveyResult.Audience.FAMILIES, 0.76),
    ("The SRO works well with school staff.", SurveyResult.Audience.STAFF, 0.81),
]

RESPONSIBILITIES = [
    (PartOfJob.LAW_ENFORCEMENT, "Respond to possibly illegal conduct on school property", True),
    (
        PartOfJob.LAW_ENFORCEMENT,
        "Patrol buildings, grounds and parking during the school day",
        True,
    ),
    (
        PartOfJob.COUNSELOR_MENTOR,
        "Mentor students and connect them with school and community services",
        True,
    ),
    (PartOfJob.EDUCATOR, "Teach lessons on internet safety, drugs and alcohol, and the law", True),
    (PartOfJob.OUTREACH, "Attend family nights and community events", True),
    (
        PartOfJob.LAW_ENFORCEMENT,
        "Search students or enforce dress code and other school rules",
        False,
    ),
]


CRITERIA = [
    (SelectionCriterion.Kind.KNOWLEDGE, "Child and adolescent development"),
    (SelectionCriterion.Kind.SKILL, "De-escalation and conflict resolution"),
    (SelectionCriterion.Kind.DISPOSITION, "Patience and a wish to work with young people"),
]

OUTREACH = [
    ("Internet safety lessons for grade 9", "education", "students", "semester"),
    ("Lunch-table conversations", "mentoring", "students", "weekly"),
    ("Family safety night", "outreach", "families", "yearly"),
]

EXPECTATIONS = [
    (Expectation.Holder.ADMINISTRATORS, "The SRO stays out of school discipline."),
    (Expectation.Holder.ADMINISTRATORS, "The SRO tells the principal of any arrest the same day."),
    (Expectation.Holder.SROS, "Administrators include the SRO in safety planning."),
]

MOU_TEXT = {
    "information_sharing": "Daily activity logs, incidents and every arrest or citation on school "
    "property, de-identified, shared each semester with the school board and on request with DPI.",
    "training": "The SRO completes the NASRO basic course within a year of starting; SRO and "
    "school staff train together each August on de-escalation and restorative practices.",
    "complaint_process": "Anyone may file a complaint about the SRO with the district office or "
    "online, anonymously if they wish; both the district and the agency review it and answer "
    "within 30 days.",
    "evaluation": "The district and the agency evaluate the program each June using activity, "
    "incident, arrest and climate survey data.",
    "oversight": "The principal of each school meets the SRO every two weeks, reviews the SRO's "
    "activity log and incidents, and raises concerns with the agency's supervisor.",
}

SRO_DUTIES = (
    "Responds to possibly illegal conduct, mentors students and teaches. Meets the principal "
    "weekly; never enforces school discipline."
)

GUARD_DUTIES = (
    "Monitors entrances and visitors, supervises hallways; enforces school rules for the "
    "principal. Has no arrest powers."
)

TYPE_WEIGHTS = {
    "patrol": 20,
    "incident-response": 7,
    "investigation": 5,
    "mentoring": 12,
    "student-conversation": 12,
    "referral-to-services": 4,
    "family-contact": 5,
    "classroom-lesson": 8,
    "staff-training": 3,
    "presentation": 4,
    "community-outreach": 6,
    "admin-meeting": 8,
    "other": 3,
}

MINUTES = {
    "law_enforcement": [15, 20, 30, 30, 45, 60, 90, 120],
    "counselor_mentor": [10, 15, 15, 20, 30, 45],
    "educator": [30, 45, 45, 50, 60, 90],
    "outreach": [60, 90, 120, 180],
    "admin_meeting": [15, 30, 30, 45, 60],
    "other": [15, 30, 60],
}

STUDENTS = {
    "law_enforcement": (0, 12),
    "counselor_mentor": (1, 4),
    "educator": (12, 60),
    "outreach": (0, 40),
    "admin_meeting": (0, 0),
    "other": (0, 5),
}

NOTES = {
    "law_enforcement": [
        "Arrival and dismissal supervision.",
        "Walked the parking lot and grounds.",
        "Followed up on a report from staff.",
    ],
    "counselor_mentor": [
        "Lunch-table conversations.",
        "Check-in with a student at the counselor's request.",
        "Connected a family with community services.",
    ],
    "educator": [
        "Internet safety lesson.",
        "Lesson on the law and consequences.",
        "Presentation on vaping and health.",
    ],
    "outreach": ["Family night.", "Community event at the library."],
    "admin_meeting": ["Weekly meeting with the principal."],
    "other": ["Court appearance.", "Agency training day."],
}

LOCATIONS = [
    (Location.BUILDING, 70),
    (Location.GROUNDS, 10),
    (Location.PARKING, 8),
    (Location.ATHLETIC_FIELDS, 4),
    (Location.BUSES, 4),
    (Location.SCHOOL_EVENT, 3),
    (Location.SCHOOL_TRANSPORT, 1),
]

DISCIPLINE = {
    "fighting": "A scuffle between students at passing time; staff separated them.",
    "disorderly-conduct": "A student disrupted class repeatedly and refused to leave.",
    "tobacco-vaping": "A student was found vaping in a restroom.",
    "harassment": "Students reported name-calling in the hallway over several days.",
    "truancy": "A student left school grounds without permission.",
    "property-damage": "Graffiti was found in a restroom.",
    "other": "A dispute over a phone in the cafeteria.",
}

ILLEGAL = {
    "theft": "A laptop cart was taken from a classroom.",
    "drugs": "A student was found with what appeared to be a controlled substance.",
    "weapons": "A student brought a folding knife to school and showed it to classmates.",
    "threats": "Threats against classmates were posted online.",
    "battery-assault": "A student struck another student, causing an injury.",
    "disorderly-conduct": "A fight drew a crowd and continued after staff intervened.",
    "fighting": "A fight in the parking lot after dismissal.",
    "alcohol": "A student arrived at school intoxicated.",
    "property-damage": "Windows of the gym were broken over the weekend.",
    "trespass": "A former student entered the building after being told to stay away.",
    "sexual-offense": "A report of unwanted touching was made to the counselor.",
    "traffic": "Reckless driving in the student parking lot.",
    "harassment": "Repeated harassing messages were sent to a classmate.",
    "tobacco-vaping": "A student was found selling vaping products.",
}

ILLEGAL_WEIGHTS = {
    "theft": 14,
    "drugs": 14,
    "weapons": 6,
    "threats": 8,
    "battery-assault": 10,
    "disorderly-conduct": 16,
    "fighting": 12,
    "alcohol": 3,
    "property-damage": 6,
    "trespass": 3,
    "sexual-offense": 2,
    "traffic": 2,
    "harassment": 2,
    "tobacco-vaping": 2,
}

OFFENSES = {
    "theft": ("statute", "943.20(1)(a)"),
    "drugs": ("statute", "961.41(3g)(e)"),
    "weapons": ("statute", "948.605(2)(a)"),
    "threats": ("statute", "947.019"),
    "battery-assault": ("statute", "940.19(1)"),
    "disorderly-conduct": ("statute", "947.01(1)"),
    "fighting": ("ordinance", "9.27"),
    "alcohol": ("ordinance", "9.30"),
    "property-damage": ("statute", "943.01(1)"),
    "trespass": ("statute", "943.13(1m)(b)"),
    "sexual-offense": ("statute", "940.225(3m)"),
    "traffic": ("ordinance", "7.01"),
    "harassment": ("statute", "947.0125"),
    "tobacco-vaping": ("ordinance", "9.32"),
}

KINDS = [
    ("citation", "citation", 45),
    ("referral_for_charging", "referral", 30),
    ("arrest", "arrest", 18),
    ("custody", "custody", 7),
]
