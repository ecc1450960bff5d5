"""Small-cell suppression: the one function every public number and every export leaving a
district goes through, so that no student can be picked out of a count.

A count of students from 1 to `threshold - 1` (settings.SMALL_CELL_THRESHOLD, 10 by default) is
shown as "<10" (primary suppression). Then, wherever a line of the table (a row with its total, a
column with its total, the totals with the grand total) still holds exactly one hidden number,
that number could be worked out from the others, so one more is hidden (complementary
suppression): the smallest shown number of the line, zeros excepted, since a zero hides nothing.
This repeats until no line holds a single hidden number. Each school year is its own table and no
total across years is ever published, so one year cannot be worked out from another.

A small count shows as "<10"; a larger number withheld to protect one shows as "*", never as
"<10", which would be untrue. A zero is shown as zero. A rate computed from a hidden count (or a
hidden denominator) is hidden.
"""

from dataclasses import dataclass, field

from django.conf import settings

from sro_portal.scope import scope_of

HIDDEN = "<10"  # a count of 1 to 9
WITHHELD = "*"  # a larger count withheld so that a small one cannot be worked out


def threshold() -> int:
    return getattr(settings, "SMALL_CELL_THRESHOLD", 10)


@dataclass
class SuppressedTable:
    """A table of counts with its row totals, column totals and grand total, each shown as a
    number or as `hidden_label`."""

    rows: list  # row labels
    columns: list  # column labels
    cells: list  # [[shown value per column] per row]
    row_totals: list
    column_totals: list
    total: object
    hidden: set = field(default_factory=set)  # positions hidden, for tests and exports


def suppress(rows, columns, counts) -> SuppressedTable:
    """`counts[r][c]` are student counts; returns the table to publish, margins included."""
    n_rows, n_cols = len(rows), len(columns)
    values = {(r, c): counts[r][c] for r in range(n_rows) for c in range(n_cols)}
    for r in range(n_rows):
        values[(r, "total")] = sum(counts[r])
    for c in range(n_cols):
        values[("total", c)] = sum(counts[r][c] for r in range(n_rows))
    values[("total", "total")] = sum(sum(row) for row in counts)

    limit = threshold()
    small = {key for key, value in values.items() if 0 < value < limit}
    hidden = set(small)

    lines = [[(r, c) for c in [*range(n_cols), "total"]] for r in [*range(n_rows), "total"]]
    lines += [[(r, c) for r in [*range(n_rows), "total"]] for c in [*range(n_cols), "total"]]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(key in hidden for key in line) != 1:
                continue
            shown = [key for key in line if key not in hidden and values[key] > 0]
            if not shown:
                continue  # the rest are zeros: the hidden number is the line's only count
            hidden.add(min(shown, key=lambda key: values[key]))
            changed = True

    def show(key):
        if key in small:
            return HIDDEN
        return WITHHELD if key in hidden else values[key]

    return SuppressedTable(
        rows=list(rows),
        columns=list(columns),
        cells=[[show((r, c)) for c in range(n_cols)] for r in range(n_rows)],
        row_totals=[show((r, "total")) for r in range(n_rows)],
        column_totals=[show(("total", c)) for c in range(n_cols)],
        total=show(("total", "total")),
        hidden=hidden,
    )


def suppress_counts(labels, counts) -> SuppressedTable:
    """A single column of counts (a breakdown by kind, by race...) with its total."""
    return suppress(labels, ["Count"], [[n] for n in counts])


def safe_rate(count, denominator, per=100):
    """A rate, or None when its count or its denominator is hidden (or there is none)."""
    if count in (HIDDEN, WITHHELD) or denominator in (HIDDEN, WITHHELD, None, 0):
        return None
    return per * count / denominator


# When an export leaves the district that owns its data.

SUPPRESSED_NOTE = "Shown as <10, with complementary cells withheld (*)"
UNSUPPRESSED_NOTE = "Shown as counted (the download stays within your own district)"


def leaves_district(user, district_ids) -> bool:
    """Whether a download of records of `district_ids` leaves the districts that own them: it
    does unless the person downloading is a district or building administrator of every one of
    them. State staff (statewide, or another district's data), agency supervisors (their partner
    districts), anyone comparing districts, the public: it leaves. Someone who administers no
    district at all is always outside, even for a download that holds no records."""
    local = scope_of(user).local_district_ids
    ids = {pk for pk in district_ids if pk is not None}
    return not local or not ids <= local


def suppression_note(applied: bool) -> dict:
    """The line an export's "About" gives on small counts."""
    return {"Small counts": SUPPRESSED_NOTE if applied else UNSUPPRESSED_NOTE}
