"""Where a change comes from: the request's address, kept for the audit trail.

Services take the acting user explicitly; the address and path are ambient facts of the
request, so middleware puts them in a context variable that ``record`` reads.
"""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    path: str = ""
    user_agent: str = ""


NO_REQUEST = RequestContext()
_current: ContextVar[RequestContext] = ContextVar("jindu_audit_request", default=NO_REQUEST)


def current() -> RequestContext:
    return _current.get()


def set_current(ctx: RequestContext):
    return _current.set(ctx)


def reset(token) -> None:
    _current.reset(token)
