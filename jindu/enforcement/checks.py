from django.core.checks import Error, register

from jindu.policy.loader import PolicyError


@register()
def enforcement_policy_loads(app_configs, **kwargs):
    """Refuse to start with enforcement rule books that do not validate."""
    from . import policy

    policy.reset_cache()
    try:
        policy.enforcement_policy()
    except PolicyError as exc:
        return [
            Error(
                str(exc),
                hint="See policies/enforcement/README.md for the format.",
                id="enforcement.E001",
            )
        ]
    return []
