from django import forms
from django.utils.translation import gettext_lazy as _

from jindu.core.scoping import VIEW
from jindu.core.widgets import use_picker

from .models import OrgUnit, Position, PositionRole, UnitKind, UnitLevel


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class UnitForm(forms.ModelForm):
    covers = forms.ModelMultipleChoiceField(
        label=_("Townships covered"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("Police stations and judicial offices only."),
    )

    class Meta:
        model = OrgUnit
        fields = ["code", "name", "kind", "parent", "address", "phone", "sort_order", "is_active"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        visible = OrgUnit.objects.restrict(user, VIEW)
        self.fields["parent"].queryset = visible.exclude(
            level__in=[UnitLevel.GRID, UnitLevel.DEPARTMENT, UnitLevel.STATION]
        )
        self.fields["covers"].queryset = visible.filter(level=UnitLevel.TOWNSHIP)
        use_picker(self.fields["parent"], "units", level="county,township,village", inactive="1")
        use_picker(self.fields["covers"], "units", level="township", inactive="1")
        if self.instance.pk:
            self.fields["covers"].initial = list(self.instance.covers.all())

    def clean(self):
        # The rules on codes and parents live in the service; the view shows its refusal.
        return super().clean()


class PositionForm(forms.ModelForm):
    class Meta:
        model = Position
        fields = ["role", "title", "holder_name", "start_date", "end_date", "notes", "holder_email"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}


class PositionEditForm(PositionForm):
    class Meta(PositionForm.Meta):
        fields = ["title", "holder_name", "start_date", "end_date", "notes", "holder_email"]


class UnitFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name or code")}),
    )
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("All levels"))]
        + [
            (c.value, c.label)
            for c in (UnitLevel.COUNTY, UnitLevel.TOWNSHIP, UnitLevel.VILLAGE, UnitLevel.GRID)
        ],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *UnitKind.choices]
    )
    inactive = forms.BooleanField(label=_("Include inactive"), required=False)


class PositionFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name, unit or post")}),
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *PositionRole.choices]
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *UnitLevel.choices]
    )
    history = forms.BooleanField(label=_("Include past tenures"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
    background = forms.BooleanField(
        label=_("Import in the background and show the progress"),
        required=False,
        help_text=_("Large files are always imported in the background."),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an .xlsx file made from the template."))
        return f
