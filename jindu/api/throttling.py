"""Rate limits per user and per user × endpoint. The counters live in the cache named by
``CACHES`` — the database (or Redis when REDIS_URL is set), never a worker's own memory — so
every gunicorn worker counts against the same limit."""

from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle


class PerUserThrottle(UserRateThrottle):
    scope = "user"


class PerEndpointThrottle(SimpleRateThrottle):
    """One budget per user (or address) and endpoint, so one busy client of one endpoint
    cannot starve the rest."""

    scope = "endpoint"

    def get_cache_key(self, request, view):
        who = (
            f"u{request.user.pk}"
            if request.user and request.user.is_authenticated
            else f"a{self.get_ident(request)}"
        )
        name = getattr(view, "basename", None) or view.__class__.__name__
        return self.cache_format % {"scope": self.scope, "ident": f"{who}:{name}"}
