from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jindu.core.forms import MultipleFileField, check_files
from jindu.core.scoping import VIEW
from jindu.core.widgets import use_picker
from jindu.orgs.forms import DateInput
from jindu.orgs.models import OrgUnit, UnitKind, UnitLevel

from .models import ReportKind


class ReportForm(forms.Form):
    """The monthly report form is built from the policy's fields; other kinds are free text."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ReportKind.choices)
    period = forms.CharField(
        label=_("Period"),
        max_length=40,
        help_text=_(
            "Month YYYY-MM for a monthly report, year YYYY for a "
            "summary, the campaign code for an action plan."
        ),
    )

    def __init__(self, *args, fields=(), kind="monthly_work_report", **kwargs):
        super().__init__(*args, **kwargs)
        self.policy_fields = fields
        if kind == ReportKind.MONTHLY:
            for field in fields:
                if field.type == "number":
                    self.fields[field.code] = forms.IntegerField(
                        label=field.name, required=False, min_value=0
                    )
                else:
                    self.fields[field.code] = forms.CharField(
                        max_length=2000,
                        label=field.name,
                        required=False,
                        widget=forms.Textarea(attrs={"rows": 3}),
                    )
        else:
            self.fields["text"] = forms.CharField(
                max_length=10000,
                label=_("Content"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 12}),
            )
        self.fields["files"] = MultipleFileField(label=_("Attachments"))

    def clean_files(self):
        return check_files(self.cleaned_data.get("files", []))

    def data_fields(self) -> dict:
        skip = {"kind", "period", "files"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}


class ReviewForm(forms.Form):
    comment = forms.CharField(
        max_length=2000,
        label=_("Comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class EventForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    occurred_at = forms.DateTimeField(
        label=_("When it happened"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        max_length=2000, label=_("What happened"), widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = OrgUnit.objects.restrict(user, VIEW).filter(
            is_active=True
        )
        use_picker(self.fields["org_unit"], "units")
        if user.unit_id:
            self.fields["org_unit"].initial = user.unit_id


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    title = forms.CharField(label=_("Title"), max_length=200)
    attendees = forms.ModelMultipleChoiceField(
        label=_("Member units present"),
        required=False,
        queryset=OrgUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    minutes = forms.CharField(
        max_length=10000, label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 6})
    )
    decisions = forms.CharField(
        max_length=2000,
        label=_("Decisions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line: decision | responsible unit code | due date, e.g. "
            "开展校园宣传月|430421M06|2026-12-31"
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = OrgUnit.objects.restrict(user, VIEW).member_units()
        use_picker(self.fields["attendees"], "units", kind=UnitKind.MEMBER_UNIT)

    def clean_decisions(self):
        result = []
        for number, line in enumerate(self.cleaned_data["decisions"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            text, owner, due = [*parts, "", ""][:3]
            owner_unit = None
            if owner:
                owner_unit = OrgUnit.objects.filter(code=owner).first()
                if owner_unit is None:
                    raise forms.ValidationError(
                        _("Line %(n)d: no unit has the code %(code)s.")
                        % {"n": number, "code": owner}
                    )
            due_date = None
            if due:
                try:
                    due_date = forms.DateField().clean(due)
                except forms.ValidationError:
                    raise forms.ValidationError(
                        _("Line %(n)d: the due date must be YYYY-MM-DD.") % {"n": number}
                    ) from None
            result.append((text, owner_unit, due_date))
        return result


class LetterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    upper_unit = forms.ModelChoiceField(label=_("Issued by"), queryset=OrgUnit.objects.none())
    lower_unit = forms.ModelChoiceField(label=_("Signed by"), queryset=OrgUnit.objects.none())
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    scan = forms.FileField(label=_("Scanned letter"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        visible = OrgUnit.objects.restrict(user, VIEW).filter(is_active=True)
        self.fields["upper_unit"].queryset = visible.filter(
            level__in=[UnitLevel.COUNTY, UnitLevel.TOWNSHIP]
        )
        self.fields["lower_unit"].queryset = visible.filter(
            level__in=[UnitLevel.TOWNSHIP, UnitLevel.DEPARTMENT, UnitLevel.VILLAGE]
        )
        use_picker(self.fields["upper_unit"], "units", level="county,township")
        use_picker(self.fields["lower_unit"], "units", level="township,department,village")
        self.fields["year"].initial = timezone.localdate().year


class HolidayForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    notice = forms.CharField(
        label=_("Notice"), max_length=100, required=False, help_text=_("e.g. 国办发明电〔2026〕7号")
    )
    text = forms.CharField(
        max_length=10000,
        label=_("Days"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "One day per line: date, 休 (holiday) or 班 (make-up working day), name. "
            "e.g. 2027-10-01 休 国庆节"
        ),
    )


class CampaignForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=60)
    name = forms.CharField(label=_("Name"), max_length=200)
    start = forms.DateField(label=_("Start"), widget=DateInput())
    end = forms.DateField(label=_("End"), widget=DateInput())
    phases = forms.CharField(
        max_length=2000,
        label=_("Phases"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line: code | name | start | end | tasks separated by ；"),
    )

    def clean_phases(self):
        result = []
        for number, line in enumerate(self.cleaned_data["phases"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) < 4:
                raise forms.ValidationError(
                    _("Line %(n)d: code, name, start and end are needed.") % {"n": number}
                )
            try:
                start = forms.DateField().clean(parts[2])
                end = forms.DateField().clean(parts[3])
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("Line %(n)d: dates must be YYYY-MM-DD.") % {"n": number}
                ) from None
            tasks = "\n".join(t.strip() for t in (parts[4] if len(parts) > 4 else "").split("；"))
            result.append((parts[0], parts[1], start, end, tasks))
        return result
