import ipaddress

from django.conf import settings

from . import context


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address. X-Forwarded-For is believed only when the request comes from a
    trusted proxy (``TRUSTED_PROXIES``: nginx, which appends the address it saw); walking the
    header from the right, the first address that is not a trusted proxy is the client. From
    anywhere else the header could be forged, so only REMOTE_ADDR counts. This is the address
    the lockout (django-axes, ``AXES_CLIENT_IP_CALLABLE``) and the audit trail both use. A
    value that is not an address is not recorded (PostgreSQL's column would refuse it)."""
    remote = _valid_ip(request.META.get("REMOTE_ADDR") or "")
    trusted = set(getattr(settings, "TRUSTED_PROXIES", ()) or ())
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not forwarded or remote not in trusted:
        return remote
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        address = _valid_ip(hop)
        if address is None:
            return remote
        if address not in trusted:
            return address
    return remote


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
