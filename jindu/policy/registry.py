"""Which policies are loaded, and which one applies.

Policy files live in ``settings.JINDU_POLICY_DIR`` (default ``policies/``); the one in force
for this installation is ``settings.JINDU_POLICY`` (its ``id``). Each record that applies a
policy stores its id, so a later policy never rewrites how an earlier decision was made.
"""

from functools import cache
from pathlib import Path

from django.conf import settings

from .loader import load_policy
from .schema import Policy


def policy_dir() -> Path:
    return Path(getattr(settings, "JINDU_POLICY_DIR", Path(settings.BASE_DIR) / "policies"))


@cache
def all_policies() -> dict[str, Policy]:
    policies = {}
    for path in sorted(policy_dir().glob("*.toml")):
        policy = load_policy(path)
        policies[policy.id] = policy
    return policies


def get_policy(policy_id: str | None = None) -> Policy:
    policy_id = policy_id or settings.JINDU_POLICY
    try:
        return all_policies()[policy_id]
    except KeyError:
        raise LookupError(f"No policy with id {policy_id!r} in {policy_dir()}") from None


def current_policy() -> Policy:
    return get_policy(None)


def reset_cache() -> None:
    all_policies.cache_clear()
