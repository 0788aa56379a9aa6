"""Named domain events: how a lower area's action causes work in a higher one.

A lower app must not import a higher one (the import-linter contract in ``pyproject.toml``
enforces it). When an action of a lower app must cause work in a higher app — a listing
decision (rectification) creates accountability proposals — the lower app *publishes* a
named event and the higher app *subscribes* to it in its ``AppConfig.ready()``.

Subscribers run synchronously, inside the publisher's transaction: if a subscriber raises,
the whole action is rolled back, exactly as if the publisher had called it directly. Work
that may run after the commit (an e-mail, a notification) belongs in
``transaction.on_commit`` inside the subscriber.

This is deliberately not a Django model signal: events are named business facts
(``"rectification.decision_recorded"``), listed in ``EVENTS`` below with what they carry, and
publishing an unknown name is a programming error. ``docs/architecture.md`` draws them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# Every event, with the keyword arguments its subscribers receive. A new event is added
# here first, so the list of couplings between areas stays in one readable place.
EVENTS: dict[str, str] = {
    "rectification.decision_recorded": (
        "actor, decision (rectification.Decision), designation (rectification.Designation)"
    ),
}


@dataclass(frozen=True)
class Subscription:
    event: str
    name: str
    handler: Callable


_subscriptions: dict[str, list[Subscription]] = {}


def subscribe(event: str, name: str | None = None):
    """Decorate ``handler(**payload)`` to run whenever ``event`` is published.

    ``name`` (default: the handler's dotted name) identifies the subscription, so a second
    ``ready()`` in tests replaces rather than doubles it."""
    if event not in EVENTS:
        raise KeyError(f"unknown domain event {event!r}; declare it in jindu.core.events.EVENTS")

    def wrap(handler: Callable) -> Callable:
        key = name or f"{handler.__module__}.{handler.__qualname__}"
        bucket = _subscriptions.setdefault(event, [])
        bucket[:] = [s for s in bucket if s.name != key]
        bucket.append(Subscription(event, key, handler))
        return handler

    return wrap


def publish(event: str, **payload) -> None:
    """Run every subscriber of ``event`` now, in the caller's transaction, in the order they
    subscribed. An exception from a subscriber propagates to the publisher."""
    if event not in EVENTS:
        raise KeyError(f"unknown domain event {event!r}; declare it in jindu.core.events.EVENTS")
    for subscription in list(_subscriptions.get(event, ())):
        subscription.handler(**payload)


def subscribers(event: str) -> list[str]:
    """The names of the subscribers of ``event`` (for the docs and the tests)."""
    return [s.name for s in _subscriptions.get(event, ())]
