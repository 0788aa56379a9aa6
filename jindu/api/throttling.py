"""Rate limits per user and per user × endpoint. The counters are rows of one table
(``core.RateCounter``), counted by one upsert per request (``core.counters.hit``) — never a
worker's own memory — so every gunicorn worker counts against the same limit. DRF's own
throttles kept a list of timestamps in the cache: read, count the table for culling, write,
commit — twelve statements and two commits a request on the database cache.

The window is fixed (it starts with the first request and lasts the rate's period), not
sliding: a client can send up to twice its rate across a window's end, never more."""

from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from jindu.core import counters
from jindu.core.models import RateCounter


class CountedThrottle(SimpleRateThrottle):
    """DRF's rate parsing and keys, counted in the shared table."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        count, ends = counters.hit(RateCounter, self.key[:200], self.duration)
        self.wait_seconds = max((ends - timezone.now()).total_seconds(), 0.0)
        return count <= self.num_requests

    def wait(self):
        return getattr(self, "wait_seconds", None)


class PerUserThrottle(CountedThrottle):
    scope = "user"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            ident = request.user.pk
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PerEndpointThrottle(CountedThrottle):
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
