from django.core.checks import Error, register

from .loader import PolicyError


@register()
def policy_loads(app_configs, **kwargs):
    """Refuse to start with a policy file that does not validate, or without the one in force."""
    from . import registry

    registry.reset_cache()
    try:
        registry.current_policy()
    except PolicyError as exc:
        return [Error(str(exc), hint="See policies/README.md for the format.", id="policy.E001")]
    except LookupError as exc:
        return [
            Error(str(exc), hint="Set JINDU_POLICY to the id of a policy file.", id="policy.E002")
        ]
    return []


@register()
def plan_loads(app_configs, **kwargs):
    """Refuse to start with a county plan rule book (targets) that does not validate."""
    from . import plan

    plan.reset_cache()
    try:
        plan.plan_in_force()
    except PolicyError as exc:
        return [Error(str(exc), hint="See policies/README.md for the format.", id="policy.E003")]
    return []
