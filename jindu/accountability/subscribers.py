"""What accountability does when a lower area acts (jindu.core.events)."""

from jindu.core.events import subscribe
from jindu.rectification.models import DecisionKind

from .services import propose_for_listing


@subscribe("rectification.decision_recorded")
def propose_for_new_listing(*, actor, decision, designation):
    """Art. 29–30: a new listing brings its proposals, in the decision's transaction."""
    if decision.kind == DecisionKind.LIST:
        propose_for_listing(actor, designation)
