"""Small-cell suppression on worked examples: nothing hidden can be worked out again."""

import itertools

from accountability.suppression import HIDDEN, WITHHELD, safe_rate, suppress, suppress_counts


def recoverable(table, counts):
    """The hidden cells an attacker can work out from one line (a row, a column or the totals)
    in which only that cell is hidden."""
    n_rows, n_cols = len(counts), len(counts[0])
    grid = {(r, c): table.cells[r][c] for r in range(n_rows) for c in range(n_cols)}
    grid |= {(r, "t"): table.row_totals[r] for r in range(n_rows)}
    grid |= {("t", c): table.column_totals[c] for c in range(n_cols)}
    grid[("t", "t")] = table.total
    lines = [[(r, c) for c in [*range(n_cols), "t"]] for r in [*range(n_rows), "t"]]
    lines += [[(r, c) for r in [*range(n_rows), "t"]] for c in [*range(n_cols), "t"]]
    found = []
    for line in lines:
        hidden = [key for key in line if grid[key] in (HIDDEN, WITHHELD)]
        if len(hidden) == 1:
            found.append(hidden[0])
    return found


def test_a_small_count_shows_as_less_than_ten_and_zero_as_zero():
    table = suppress_counts(["Arrest", "Citation", "Custody"], [3, 40, 0])
    assert [row[0] for row in table.cells] == [HIDDEN, WITHHELD, 0]
    # The total alone would give the 3 away once 40 showed: 40 is withheld, not shown as "<10".
    assert table.total == 43
    assert not recoverable(table, [[3], [40], [0]])


def test_complementary_suppression_closes_rows_columns_and_totals():
    counts = [
        [12, 3, 20],  # a 3 in a row whose total would give it away
        [15, 18, 25],
        [30, 22, 41],
    ]
    table = suppress(["A", "B", "C"], ["x", "y", "z"], counts)
    assert table.cells[0][1] == HIDDEN
    assert not recoverable(table, counts)
    # Nothing larger than nine is ever labelled "<10".
    for r, c in itertools.product(range(3), range(3)):
        if counts[r][c] >= 10:
            assert table.cells[r][c] in (counts[r][c], WITHHELD)


def test_a_column_of_one_small_count_is_closed_too():
    counts = [[50, 2], [60, 40]]
    table = suppress(["Black", "White"], ["IDEA", "None"], counts)
    assert table.cells[0][1] == HIDDEN
    assert not recoverable(table, counts)


def test_totals_that_are_small_are_hidden_with_their_cells():
    counts = [[4, 0], [0, 0]]
    table = suppress(["Asian", "White"], ["F", "M"], counts)
    assert table.cells == [[HIDDEN, 0], [0, 0]]
    assert table.total == HIDDEN and table.row_totals[0] == HIDDEN
    assert not recoverable(table, counts)


def test_nothing_to_hide_leaves_the_table_whole():
    counts = [[12, 20], [30, 0]]
    table = suppress(["a", "b"], ["x", "y"], counts)
    assert table.cells == counts and table.total == 62 and not table.hidden


def test_years_are_separate_tables_with_no_total_across_them():
    """Three school years side by side: each year is suppressed on its own, and nothing sums
    them, so the years shown cannot recover a hidden one."""
    years = {2023: [7, 30], 2024: [25, 30], 2025: [12, 30]}
    tables = {y: suppress_counts(["Black", "White"], counts) for y, counts in years.items()}
    assert tables[2023].cells[0][0] == HIDDEN
    assert tables[2024].cells[0][0] == 25 and tables[2025].cells[0][0] == 12
    for year, counts in years.items():
        assert not recoverable(tables[year], [[n] for n in counts])


def test_a_rate_from_a_hidden_count_or_denominator_is_not_shown():
    assert safe_rate(HIDDEN, 200) is None
    assert safe_rate(WITHHELD, 200) is None
    assert safe_rate(12, HIDDEN) is None
    assert safe_rate(12, 0) is None
    assert safe_rate(12, 200) == 6.0


def test_the_threshold_is_a_setting(settings):
    settings.SMALL_CELL_THRESHOLD = 5
    table = suppress_counts(["a", "b"], [6, 30])
    assert table.cells == [[6], [30]]
