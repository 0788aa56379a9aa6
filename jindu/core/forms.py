"""Form pieces every area uses: several files in one field, checked by the same rule as
``core.services.attach`` (so the page refuses exactly what the service would)."""

from django import forms

from .errors import Refused
from .services import check_uploads


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def check_files(files):
    """Form-side check of uploads: the service's rule, as a field error."""
    try:
        check_uploads(files)
    except Refused as exc:
        raise forms.ValidationError(str(exc.message)) from exc
    return files
