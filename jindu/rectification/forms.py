"""Forms for listings. Choices (levels, categories, conditions, scoresheet items) come from the
policy in force, so another county's policy changes the forms without code changes."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jindu.core.scoping import VIEW
from jindu.orgs.forms import DateInput
from jindu.orgs.models import OrgUnit, UnitLevel
from jindu.policy.schema import Policy

from .models import (
    Application,
    ApplicationKind,
    Assessment,
    DecisionKind,
    DesignationSource,
    DesignationStatus,
)


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


MAX_FILE_BYTES = 20 * 1024 * 1024
ALLOWED_SUFFIXES = (
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".jpg",
    ".jpeg",
    ".png",
    ".zip",
    ".txt",
    ".ofd",
    ".wps",
)


def check_files(files):
    for f in files:
        if f.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("%(name)s is larger than 20 MB.") % {"name": f.name})
        if not f.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(
                _("%(name)s: only PDF, Word, Excel, images, OFD/WPS, text or ZIP files.")
                % {"name": f.name}
            )
    return files


def listable_units(user, policy: Policy):
    levels = [
        lv for lv in (UnitLevel.TOWNSHIP, UnitLevel.VILLAGE) if lv in policy.designation_levels
    ]
    return OrgUnit.objects.restrict(user, VIEW).filter(level__in=levels, is_active=True)


def level_choices(policy: Policy):
    return [(lv.code, lv.name) for lv in policy.levels]


def category_choices(policy: Policy):
    return [(c.code, f"{c.clause}{c.name}") for c in policy.categories]


class DesignationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Unit name")}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("active", _("Under rectification")), ("lifted", _("Lifted")), ("all", _("All"))],
    )
    level = forms.ChoiceField(label=_("Listing level"), required=False)
    unit_level = forms.ChoiceField(
        label=_("Unit"),
        required=False,
        choices=[
            ("", _("Townships and villages")),
            ("township", _("Townships and park")),
            ("village", _("Villages and communities")),
        ],
    )

    def __init__(self, *args, policy: Policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", _("All levels")), *level_choices(policy)]


class ListDecisionForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    level = forms.ChoiceField(label=_("Listing level"))
    categories = forms.MultipleChoiceField(
        label=_("Categories"), widget=forms.CheckboxSelectMultiple
    )
    source = forms.ChoiceField(label=_("How the listing arose"), choices=DesignationSource.choices)
    application = forms.ModelChoiceField(
        label=_("Application"), required=False, queryset=Application.objects.none()
    )
    date = forms.DateField(label=_("Decision date"), widget=DateInput())
    decision_no = forms.CharField(
        label=_("Document number"), max_length=80, help_text=_("e.g. 衡禁毒委〔2018〕3号")
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, policy: Policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = listable_units(user, policy)
        self.fields["level"].choices = level_choices(policy)
        self.fields["categories"].choices = category_choices(policy)
        self.fields["application"].queryset = Application.objects.restrict(user, VIEW).filter(
            kind=ApplicationKind.LIST, status="submitted"
        )


class ChangeDecisionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Decision"),
        choices=[(k.value, k.label) for k in DecisionKind if k != DecisionKind.LIST],
    )
    assessment = forms.ModelChoiceField(
        label=_("Assessment of the six conditions"),
        required=False,
        queryset=Assessment.objects.none(),
        help_text=_("Needed to lower or lift (art. 14)."),
    )
    application = forms.ModelChoiceField(
        label=_("Application"), required=False, queryset=Application.objects.none()
    )
    date = forms.DateField(label=_("Decision date"), widget=DateInput())
    decision_no = forms.CharField(label=_("Document number"), max_length=80)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, designation, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = designation.assessments.order_by("-date")
        self.fields["assessment"].label_from_instance = lambda a: (
            f"{a.date} · {_('all met') if a.all_met else _('not all met')}"
        )
        self.fields["application"].queryset = Application.objects.restrict(user, VIEW).filter(
            org_unit=designation.org_unit, status="submitted"
        )


class AssessmentForm(forms.Form):
    """One block per condition of art. 14: met or not, sub-points met, findings, evidence."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, policy: Policy, standalone: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy
        if not standalone:  # part of an evaluation form, which has its own date and notes
            del self.fields["date"]
            del self.fields["notes"]
        for condition in policy.conditions:
            self.fields[f"met_{condition.code}"] = forms.BooleanField(
                label=_("Met"), required=False
            )
            self.fields[f"points_{condition.code}"] = forms.MultipleChoiceField(
                label=_("Sub-points met"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(str(i), point) for i, point in enumerate(condition.points)],
            )
            self.fields[f"findings_{condition.code}"] = forms.CharField(
                label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"evidence_{condition.code}"] = MultipleFileField(label=_("Evidence"))

    def clean(self):
        data = super().clean()
        for condition in self.policy.conditions:
            key = f"evidence_{condition.code}"
            try:
                check_files(data.get(key, []))
            except forms.ValidationError as exc:
                self.add_error(key, exc)
        return data

    def blocks(self):
        return [
            {
                "condition": c,
                "met": self[f"met_{c.code}"],
                "points": self[f"points_{c.code}"],
                "findings": self[f"findings_{c.code}"],
                "evidence": self[f"evidence_{c.code}"],
            }
            for c in self.policy.conditions
        ]

    def conditions(self) -> dict[str, bool]:
        return {
            c.code: self.cleaned_data.get(f"met_{c.code}", False) for c in self.policy.conditions
        }

    def findings(self) -> dict[str, dict]:
        return {
            c.code: {
                "text": self.cleaned_data.get(f"findings_{c.code}", ""),
                "points_met": [int(i) for i in self.cleaned_data.get(f"points_{c.code}", [])],
            }
            for c in self.policy.conditions
        }


class ApplicationForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=_("Unit concerned"), queryset=OrgUnit.objects.none())
    kind = forms.ChoiceField(label=_("Application for"), choices=ApplicationKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    level = forms.ChoiceField(
        label=_("Level applied for"),
        required=False,
        help_text=_("For an application to be listed."),
    )
    categories = forms.MultipleChoiceField(
        label=_("Categories"), required=False, widget=forms.CheckboxSelectMultiple
    )
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 6}))
    files = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args, user, policy: Policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = listable_units(user, policy)
        self.fields["level"].choices = [("", "—"), *level_choices(policy)]
        self.fields["categories"].choices = category_choices(policy)
        self.fields["kind"].choices = [(k.code, k.name) for k in policy.application_kinds]
        self.fields["year"].initial = timezone.localdate().year

    def clean_files(self):
        return check_files(self.cleaned_data.get("files", []))


class EvaluationForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    methods = forms.MultipleChoiceField(label=_("Methods"), widget=forms.CheckboxSelectMultiple)
    member_units = forms.ModelMultipleChoiceField(
        label=_("Member units taking part"),
        required=False,
        queryset=OrgUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    satisfaction_respondents = forms.IntegerField(
        label=_("Survey respondents"), min_value=0, initial=0, required=False
    )
    findings = forms.CharField(
        label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    recommendation = forms.ChoiceField(label=_("Recommendation"))

    def __init__(self, *args, user, policy: Policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy
        self.fields["org_unit"].queryset = listable_units(user, policy)
        self.fields["member_units"].queryset = OrgUnit.objects.restrict(user, VIEW).member_units()
        self.fields["methods"].choices = [(m.code, m.name) for m in policy.evaluation.methods]
        self.fields["recommendation"].choices = [
            (r.code, r.name) for r in policy.evaluation.recommendations
        ]
        for item in policy.evaluation.items:
            if item.veto:
                help_text = _("One-vote veto: any occurrence fails the evaluation.")
            elif item.percentage:
                help_text = _("Percentage, %(points)g points at 100%%.") % {"points": item.points}
            else:
                help_text = _("%(points)g points, %(per)g deducted per occurrence.") % {
                    "points": item.points,
                    "per": item.deduct_per,
                }
            self.fields[f"item_{item.code}"] = forms.FloatField(
                label=item.name,
                min_value=0,
                max_value=100 if item.percentage else None,
                initial=0,
                required=False,
                help_text=help_text,
            )

    def general_fields(self):
        return [self[name] for name in ("org_unit", "year", "date", "methods", "member_units")]

    def closing_fields(self):
        return [self[name] for name in ("satisfaction_respondents", "findings", "recommendation")]

    def objective_items(self):
        return self._items("objective")

    def subjective_items(self):
        return self._items("subjective")

    def _items(self, section: str):
        return [
            self[f"item_{i.code}"] for i in self.policy.evaluation.items if i.section == section
        ]

    def recorded(self) -> dict[str, float]:
        return {
            i.code: self.cleaned_data.get(f"item_{i.code}") or 0
            for i in self.policy.evaluation.items
        }

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate() + datetime.timedelta(days=1):
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class ProgressReportForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=20,
        help_text=_("The year reported on, or the due date for the report at expiry."),
    )
    is_final = forms.BooleanField(label=_("Report at expiry (art. 18)"), required=False)
    text = forms.CharField(label=_("Report"), widget=forms.Textarea(attrs={"rows": 10}))
    files = MultipleFileField(label=_("Attachments"))

    def clean_files(self):
        return check_files(self.cleaned_data.get("files", []))


STATUS_ALL = [DesignationStatus.ACTIVE, DesignationStatus.LIFTED]
