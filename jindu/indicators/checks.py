from django.core.checks import Error, register

from jindu.policy.loader import PolicyError


@register()
def indicator_policy_loads(app_configs, **kwargs):
    """Refuse to start with a target registry / warning rule book that does not validate."""
    from . import policy

    policy.reset_cache()
    try:
        policy.indicator_policy()
    except PolicyError as exc:
        return [Error(str(exc), hint="See policies/indicators/.", id="indicators.E001")]
    return []
