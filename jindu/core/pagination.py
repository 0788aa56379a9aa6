"""Pages of a list whose count may be PostgreSQL's estimate.

``EstimatingPaginator`` counts exactly while the list is small and, past
``settings.JINDU_EXACT_COUNT_UP_TO`` rows by the planner's estimate, shows that estimate
instead (the page says "约"): an exact ``count(*)`` of a province's people costs as much as
the page itself. The estimate is the planner's row count for the list's own query
(``EXPLAIN``), so it follows the filters and the user's scope. A page that comes back short
tells the exact count, and it is used. SQLite (the tests) always counts exactly.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections
from django.utils.functional import cached_property


def exact_count_up_to() -> int:
    return getattr(settings, "JINDU_EXACT_COUNT_UP_TO", 10_000)


def planner_estimate(queryset) -> int | None:
    """The planner's row estimate for ``queryset`` on PostgreSQL, else None."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except Exception:  # an empty queryset (EmptyResultSet) and the like: count it
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatingPaginator(Paginator):
    estimated = False

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if hasattr(queryset, "query"):
            estimate = planner_estimate(queryset)
            if estimate is not None and estimate > exact_count_up_to():
                self.estimated = True
                return estimate
        return super().count

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            if not self.estimated:
                raise
            # Past an estimated last page: the rows decide (see page()).
            return int(number)

    def get_page(self, number) -> Page:
        try:
            return super().get_page(number)
        except EmptyPage:  # past the end once the count became exact
            return self.page(self.num_pages)

    def _exact(self) -> None:
        self.__dict__.pop("num_pages", None)
        self.estimated = False

    def page(self, number) -> Page:
        number = self.validate_number(number)
        if not self.estimated:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page])
        if not rows and number > 1:
            # The estimate was too high: count exactly and page as usual.
            self.__dict__["count"] = Paginator.count.func(self)
            self._exact()
            return super().page(number)
        if len(rows) < self.per_page:
            # A short page ends the list: the count is exact now.
            self.__dict__["count"] = bottom + len(rows)
            self._exact()
        return self._get_page(rows, number, self)
