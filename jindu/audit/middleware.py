import ipaddress

from django.conf import settings

from . import context


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    # Behind nginx the real address is the first X-Forwarded-For entry; nginx is configured to
    # overwrite that header (docs/deploy.md), so it cannot be forged from outside. Without the
    # proxy (BEHIND_TLS_PROXY off) anyone could send the header, so only REMOTE_ADDR counts,
    # as for login throttling. A value that is not an address is not recorded (the column is
    # an address type on PostgreSQL and would refuse it, failing the change itself).
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and getattr(settings, "BEHIND_TLS_PROXY", False):
        return _valid_ip(forwarded.split(",")[0])
    return _valid_ip(request.META.get("REMOTE_ADDR") or "")


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
