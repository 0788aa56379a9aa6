"""Forms for listings. Choices (levels, categories, conditions, scoresheet items) come from the
policy in force, so another county's policy changes the forms without code changes."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jindu.core.forms import MultipleFileField, check_files
from jindu.core.scoping import VIEW
from jindu.core.widgets import use_picker
from jindu.orgs.forms import DateInput
from jindu.orgs.models import OrgUnit, UnitKind, UnitLevel
from jindu.policy.schema import Policy

from .models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    Assessment,
    DecisionKind,
    DesignationSource,
    DesignationStatus,
)


def listable_levels(policy: Policy) -> str:
    """The picker parameter for the levels the policy lists (``township,village``)."""
    return ",".join(
        lv for lv in (UnitLevel.TOWNSHIP, UnitLevel.VILLAGE) if lv in policy.designation_levels
    )


def listable_units(user, policy: Policy):
    levels = [
        lv for lv in (UnitLevel.TOWNSHIP, UnitLevel.VILLAGE) if lv in policy.designation_levels
    ]
    return OrgUnit.objects.restrict(user, VIEW).filter(level__in=levels, is_active=True)


def level_choices(policy: Policy):
    return [(lv.code, lv.name) for lv in policy.levels]


def category_choices(policy: Policy):
    return [(c.code, f"{c.clause}{c.name}") for c in policy.categories]


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
        max_length=2000, label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, policy: Policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = listable_units(user, policy)
        use_picker(self.fields["org_unit"], "units", level=listable_levels(policy))
        self.fields["level"].choices = level_choices(policy)
        self.fields["categories"].choices = category_choices(policy)
        self.fields["application"].queryset = Application.objects.restrict(user, VIEW).filter(
            kind=ApplicationKind.LIST, status=ApplicationStatus.SUBMITTED
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
        max_length=2000,
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("An extension states the special circumstances here (art. 13)."),
    )

    def __init__(self, *args, designation, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = designation.assessments.order_by("-date")
        self.fields["assessment"].label_from_instance = lambda a: (
            f"{a.date} · {_('all met') if a.all_met else _('not all met')}"
        )
        self.fields["application"].queryset = Application.objects.restrict(user, VIEW).filter(
            org_unit=designation.org_unit, status=ApplicationStatus.SUBMITTED
        )


class AssessmentForm(forms.Form):
    """One block per condition of art. 14: met or not, sub-points met, findings, evidence."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    notes = forms.CharField(
        max_length=2000, label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
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
                max_length=2000,
                label=_("Findings"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
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

    duty_evidence: dict = {}

    def blocks(self):
        return [
            {
                "duties": self.duty_evidence.get(c.code, []),
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
    reasons = forms.CharField(
        max_length=10000, label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 6})
    )
    files = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args, user, policy: Policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = listable_units(user, policy)
        use_picker(self.fields["org_unit"], "units", level=listable_levels(policy))
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
        max_length=2000,
        label=_("Findings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    recommendation = forms.ChoiceField(label=_("Recommendation"))

    def __init__(self, *args, user, policy: Policy, figure=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy
        # The survey's figure for the chosen unit and year (jindu.rectification.satisfaction),
        # when a survey feeds the item: shown read-only instead of a typed number.
        self.figure = figure
        self.fields["org_unit"].queryset = listable_units(user, policy)
        use_picker(self.fields["org_unit"], "units", level=listable_levels(policy))
        self.fields["member_units"].queryset = OrgUnit.objects.restrict(user, VIEW).member_units()
        use_picker(self.fields["member_units"], "units", kind=UnitKind.MEMBER_UNIT)
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
        if figure is not None and f"item_{figure.item}" in self.fields:
            self._show_survey_figure(figure)

    def _show_survey_figure(self, figure) -> None:
        """The satisfaction item and the respondents come from the survey (办法第五条、
        第十四条（六）): disabled fields, so a posted number is ignored (the service uses the
        survey's figure in any case)."""
        sample = (
            _("minimum sample reached")
            if figure.sample_reached
            else _("minimum sample NOT reached")
        )
        note = _(
            "Computed from the survey “%(source)s”: %(rate)s%% of %(n)s respondents (%(sample)s);"
            " %(basis)s. Not typed in."
        ) % {
            "source": figure.source,
            "rate": f"{figure.rate:g}",
            "n": figure.respondents,
            "sample": sample,
            "basis": "、".join(figure.basis) or _("art. 5 and art. 14 (6) of the measures"),
        }
        item = self.fields[f"item_{figure.item}"]
        item.disabled = True
        item.initial = figure.rate
        item.help_text = note
        respondents = self.fields["satisfaction_respondents"]
        respondents.disabled = True
        respondents.initial = figure.respondents
        respondents.help_text = _("From the survey (%(sample)s).") % {"sample": sample}

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
    text = forms.CharField(
        max_length=10000, label=_("Report"), widget=forms.Textarea(attrs={"rows": 10})
    )
    files = MultipleFileField(label=_("Attachments"))

    def clean_files(self):
        return check_files(self.cleaned_data.get("files", []))


STATUS_ALL = [DesignationStatus.ACTIVE, DesignationStatus.LIFTED]
