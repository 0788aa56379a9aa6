from rest_framework.pagination import PageNumberPagination

from jindu.core.pagination import EstimatingPaginator


class StandardPagination(PageNumberPagination):
    """Pages of the API's lists. Past ``JINDU_EXACT_COUNT_UP_TO`` rows (by the planner's
    estimate) ``count`` is PostgreSQL's estimate and ``count_estimated`` says so, as the list
    pages say "约": an exact count of a province's flags or people costs more than the page."""

    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = EstimatingPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_estimated"] = bool(self.page.paginator.estimated)
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_estimated"] = {
            "type": "boolean",
            "description": "count is PostgreSQL's estimate (a list past the exact-count limit)",
        }
        return schema
