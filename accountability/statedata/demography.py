"""Each district's mix of students, and how enforcement falls on groups: more often on Black and
American Indian students and students with disabilities than their share of enrollment, as
Wisconsin's reported data show."""

RACES = [
    "hispanic",
    "american_indian",
    "asian",
    "pacific_islander",
    "black",
    "white",
    "two_or_more",
]
# How much more (or less) often than its share a group appears in enforcement actions.
DISPARITY = {
    "hispanic": 1.1,
    "american_indian": 2.4,
    "asian": 0.4,
    "pacific_islander": 1.0,
    "black": 3.2,
    "white": 0.65,
    "two_or_more": 1.3,
}


def race_shares(district) -> dict:
    u = district.diversity
    shares = {
        "hispanic": 0.05 + 0.22 * u,
        "american_indian": 0.25 if district.tribal else 0.006,
        "asian": 0.015 + 0.05 * u,
        "pacific_islander": 0.001,
        "black": 0.01 + 0.42 * u * u,
        "two_or_more": 0.03 + 0.03 * u,
    }
    shares["white"] = 1 - sum(shares.values())
    return shares


def enforcement_weights(district) -> tuple[list, list]:
    shares = race_shares(district)
    races = [*RACES, "not_reported"]
    weights = [shares[r] * DISPARITY[r] for r in RACES]
    weights.append(sum(weights) * 0.02)
    return races, weights
