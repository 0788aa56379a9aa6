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
def code_labels_match(app_configs, **kwargs):
    """One vocabulary: the Chinese label the pages show for a code (the choices' translation)
    must be the rule book's name for it ([codes]); refuse to start on a mismatch."""
    from django.utils import translation

    from . import policy

    try:
        book = policy.control_policy()
    except PolicyError:
        return []  # control.E001 reports it
    errors = []
    with translation.override("zh-hans"):
        for name in policy.CODE_CHOICES:
            choices = policy.code_choices(name)
            for code in book.code_list(name):
                if code.code not in choices.values:
                    continue  # control/tests/test_policy.py checks the sets themselves
                label = str(choices(code.code).label)
                if label != code.name:
                    errors.append(
                        Error(
                            f"{book.source}: codes.{name}: {code.code!r} is named "
                            f"“{code.name}” but the pages show “{label}”",
                            hint="Make the translation of the choice the rule book's name.",
                            id="control.E003",
                        )
                    )
    return errors


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
