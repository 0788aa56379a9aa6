from django.core.checks import Error, register

from jindu.policy.loader import PolicyError


@register()
def precursor_policies_load(app_configs, **kwargs):
    """Refuse to start with a precursor rule book that does not validate."""
    from . import policy

    policy.reset_cache()
    try:
        policy.national_policy()
        policy.county_policy()
    except PolicyError as exc:
        return [
            Error(
                str(exc),
                hint="See policies/precursors/README.md for the format.",
                id="precursors.E001",
            )
        ]
    return []


@register()
def precursor_code_labels_match(app_configs, **kwargs):
    """One vocabulary: where the national rule book names a code (a department), the name
    must be the Chinese label the pages show for it (codes.py's choice, translated); refuse
    to start on a mismatch, as control does for its [codes]."""
    from django.utils import translation

    from . import codes, policy

    try:
        law = policy.national_policy()
    except PolicyError:
        return []  # precursors.E001 reports it
    errors = []
    with translation.override("zh-hans"):
        for department in law.departments.values():
            label = str(codes.Department(department.code).label)
            if label != department.name:
                errors.append(
                    Error(
                        f"{law.source}: departments: {department.code!r} is named "
                        f"“{department.name}” but the pages show “{label}”",
                        hint="Make the translation of the choice the rule book's name.",
                        id="precursors.E002",
                    )
                )
    return errors
