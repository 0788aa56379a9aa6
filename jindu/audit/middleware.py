from . import context


def client_ip(request) -> str | None:
    # Behind nginx the real address is the first X-Forwarded-For entry; nginx is configured to
    # overwrite that header (docs/deploy.md), so it cannot be forged from outside.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.set_current(
            context.RequestContext(
                ip=client_ip(request),
                path=request.path[:200],
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
            )
        )
        try:
            return self.get_response(request)
        finally:
            context.reset(token)
