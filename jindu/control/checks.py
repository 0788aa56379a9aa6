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


@register()
def field_encryption_key(app_configs, **kwargs):
    """Production must not start without the key that protects identity and phone numbers:
    failing at start-up beats failing at the first registration."""
    from django.core.exceptions import ImproperlyConfigured

    from . import crypto

    try:
        crypto.encrypt("check")
    except ImproperlyConfigured as exc:
        return [
            Error(
                str(exc),
                hint=(
                    'Generate one with: python -c "from cryptography.fernet import Fernet; '
                    'print(Fernet.generate_key().decode())" and set FIELD_ENCRYPTION_KEY; '
                    "see docs/deploy.md."
                ),
                id="control.E002",
            )
        ]
    return []
