from django.core.checks import Error, register

from jindu.policy.loader import PolicyError


@register()
def prevention_policy_loads(app_configs, **kwargs):
    """Refuse to start with a prevention rule book that does not validate."""
    from . import policy

    policy.reset_cache()
    try:
        policy.prevention_policy()
    except PolicyError as exc:
        return [Error(str(exc), hint="See policies/prevention/README.md.", id="prevention.E001")]
    return []
