from django.core.checks import Error, register

from jindu.policy.loader import PolicyError


@register()
def control_policy_loads(app_configs, **kwargs):
    """Refuse to start with a control rule book that does not validate."""
    from . import policy

    policy.reset_cache()
    try:
        policy.control_policy()
    except PolicyError as exc:
        return [
            Error(
                str(exc),
                hint="See policies/control/README.md for the format.",
                id="control.E001",
            )
        ]
    return []
