"""Pages of lists of tables with millions of rows, counted without reading the whole table:
the admin's lists of the large tables and the site's lists of field records."""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Counting further than this is what makes a list slow, and a page number past it helps nobody:
# a filter narrows the list.
COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows. On PostgreSQL an unfiltered list of a large table takes
    the planner's estimate of its size instead (pg_class.reltuples, kept by autovacuum and
    ANALYZE). `count_label` says which: "More than 10,000", "About 2,050,000", or nothing when
    the count is exact."""

    cap = COUNT_CAP

    def __init__(self, *args, count_in_order=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_label = ""
        # The first rows in the list's own order: the index that serves the page serves the
        # count (without an order PostgreSQL may walk the primary key to find a district's
        # rows). A word search counts in whatever order is cheapest: ordered, the planner
        # may sort every match first.
        self.count_in_order = count_in_order

    @cached_property
    def count(self):
        queryset = self.object_list
        if not hasattr(queryset, "query"):
            return super().count
        if not self.count_in_order:
            queryset = queryset.order_by()
        capped = queryset[: self.cap + 1]
        connection = connections[queryset.db]
        if connection.vendor == "postgresql" and not queryset.query.where:
            counted, estimate = self._count_and_estimate(connection, capped)
            if counted > self.cap and estimate > self.cap:
                self.count_label = f"About {estimate:,}"
                return estimate
        else:
            counted = capped.count()
        if counted > self.cap:
            self.count_label = f"More than {self.cap:,}"
        return counted

    @staticmethod
    def _count_and_estimate(connection, capped) -> tuple[int, int]:
        """The capped count and the planner's estimate of the table's size in one query, so that
        a list runs the same queries whether its table is small or large. The estimate is -1
        for a table never analysed."""
        sql, params = capped.values("pk").query.sql_with_params()
        table = connection.ops.quote_name(capped.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT (SELECT COUNT(*) FROM ({sql}) AS capped), "
                "(SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s))",
                [*params, table],
            )
            counted, estimate = cursor.fetchone()
        return counted, estimate if estimate is not None else -1
