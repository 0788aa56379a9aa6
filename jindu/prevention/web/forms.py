"""Page forms. They parse input; the services decide (and refuse, naming the field)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jindu.core.roles import Role
from jindu.core.scoping import VIEW, scope_for
from jindu.core.widgets import use_picker
from jindu.enforcement.models import Venue
from jindu.orgs.forms import DateInput
from jindu.orgs.models import OrgUnit, UnitLevel

from ..models import Channel, PopulationKind, School, Stage
from ..policy import PreventionPolicy

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".heic")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = (
            [single(d, initial) for d in data if d]
            if isinstance(data, (list, tuple))
            else ([single(data, initial)] if data else [])
        )
        for f in files:
            if not f.name.lower().endswith(PHOTO_SUFFIXES):
                raise forms.ValidationError(_("%(name)s is not a photo.") % {"name": f.name})
        return files


def geographic_units(user, levels=(UnitLevel.COUNTY, UnitLevel.TOWNSHIP, UnitLevel.VILLAGE)):
    return (
        OrgUnit.objects.restrict(user, VIEW)
        .filter(level__in=levels, is_active=True)
        .order_by("path")
    )


def activity_units(user):
    """Where an activity may be recorded: a member unit works county-wide."""
    queryset = OrgUnit.objects.filter(
        level__in=(UnitLevel.COUNTY, UnitLevel.TOWNSHIP, UnitLevel.VILLAGE), is_active=True
    ).order_by("path")
    if scope_for(user).role == Role.MEMBER_UNIT:
        return queryset
    return geographic_units(user)


def activity_venues(user):
    """The venues a session may name: those of the register in the units where the user
    records activities (county-wide for a member unit)."""
    units = activity_units(user).filter(level=UnitLevel.TOWNSHIP)
    return (
        Venue.objects.filter(is_active=True, org_unit__in=units)
        .select_related("org_unit")
        .order_by("name", "id")
    )


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"))
    setting = forms.ChoiceField(label=_("六进 setting"), required=False)
    group = forms.ChoiceField(label=_("High-risk group"), required=False)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    org_unit = forms.ModelChoiceField(
        label=_("Township or village/community"), queryset=OrgUnit.objects.none()
    )
    organiser = forms.ModelChoiceField(
        label=_("Organising member unit"), queryset=OrgUnit.objects.none(), required=False
    )
    venue = forms.ModelChoiceField(
        label=_("Venue"),
        queryset=Venue.objects.none(),
        required=False,
        help_text=_("For a session at a venue (进场所, venue staff): the venue of the register."),
    )
    audience = forms.CharField(label=_("Audience"), required=False, max_length=200)
    headcount = forms.IntegerField(label=_("Head count (受教育人次)"))
    materials = forms.IntegerField(label=_("Materials handed out"), required=False, min_value=0)
    pledges = forms.IntegerField(label=_("Pledges signed"), required=False, min_value=0)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = PhotosField(label=_("Photos"))

    def __init__(self, *args, user, policy: PreventionPolicy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—")] + [
            (k.code, k.name) for k in policy.activity_kinds.values()
        ]
        self.fields["setting"].choices = [("", "—")] + [(s.code, s.name) for s in policy.settings]
        self.fields["group"].choices = [("", "—")] + [
            (g.code, g.name) for g in policy.high_risk_groups
        ]
        self.fields["org_unit"].queryset = activity_units(user)
        members = OrgUnit.objects.member_units().filter(is_active=True).order_by("code")
        if scope_for(user).role == Role.MEMBER_UNIT:
            members = members.filter(pk=user.unit_id)
            self.fields["organiser"].initial = user.unit_id
        self.fields["organiser"].queryset = members
        self.fields["venue"].queryset = activity_venues(user)
        use_picker(self.fields["venue"], "prevention-venues")
        self.fields["photos"].help_text = _("At most %(n)d photos, %(mb)g MB each.") % {
            "n": policy.max_photos,
            "mb": policy.max_photo_bytes / 1_000_000,
        }


class ActivityFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Until"), required=False, widget=DateInput())

    def __init__(self, *args, policy: PreventionPolicy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds"))] + [
            (k.code, k.name) for k in policy.activity_kinds.values()
        ]


class FixtureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"))
    org_unit = forms.ModelChoiceField(label=_("Village/community"), queryset=OrgUnit.objects.none())
    location = forms.CharField(label=_("Location"), max_length=200)
    photographed_on = forms.DateField(label=_("Photographed on"), widget=DateInput())
    photos = PhotosField(label=_("Photo"))

    def __init__(self, *args, user, policy: PreventionPolicy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.code, k.name) for k in policy.fixture_kinds.values()]
        self.fields["org_unit"].queryset = geographic_units(user, (UnitLevel.VILLAGE,))


class LiaisonForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=_("Village/community"), queryset=OrgUnit.objects.none())
    name = forms.CharField(label=_("Name"), max_length=50)
    title = forms.CharField(label=_("Title"), max_length=50, required=False)
    start_date = forms.DateField(label=_("From"), widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = geographic_units(user, (UnitLevel.VILLAGE,))


class PopulationForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Kind"), choices=PopulationKind.choices)
    count = forms.IntegerField(label=_("Population"))
    source = forms.CharField(label=_("Source"), max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = geographic_units(
            user, (UnitLevel.COUNTY, UnitLevel.TOWNSHIP)
        )


class SchoolForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    org_unit = forms.ModelChoiceField(
        label=_("Township or village"), queryset=OrgUnit.objects.none()
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = OrgUnit.objects.filter(
            level__in=(UnitLevel.TOWNSHIP, UnitLevel.VILLAGE), is_active=True
        ).order_by("path")


class SchoolClassForm(forms.Form):
    school_year = forms.CharField(
        label=_("School year"), max_length=9, help_text=_("e.g. 2019-2020")
    )
    grade = forms.TypedChoiceField(
        label=_("Grade"),
        coerce=int,
        choices=[(g, g) for g in range(1, 13)],
        help_text=_("1–12 from primary grade 1 to senior grade 3."),
    )
    name = forms.CharField(label=_("Class"), max_length=50)
    students = forms.IntegerField(label=_("Students"), required=False, min_value=0)


class LessonForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    hours = forms.DecimalField(label=_("Class hours"), max_digits=4, decimal_places=1)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    teacher_name = forms.CharField(label=_("Teacher"), max_length=50)


class SchoolAccountForm(forms.Form):
    """A school's own login (学校账号): it records the school's classes and lessons only."""

    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput,
        help_text=_("At least 10 characters, not only digits."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)


class ClassHoursFilterForm(forms.Form):
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False
    )
    school_year = forms.CharField(label=_("School year"), required=False, max_length=9)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.restrict(user, VIEW).order_by("name")


class QingjiaoImportForm(forms.Form):
    school_year = forms.CharField(
        label=_("School year"), max_length=9, help_text=_("e.g. 2019-2020")
    )
    file = forms.FileField(label=_("Excel file exported from 青骄第二课堂"))
    background = forms.BooleanField(
        label=_("Import in the background and show the progress"),
        required=False,
        help_text=_("Large files are always imported in the background."),
    )


class SchoolRecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"))
    date = forms.DateField(label=_("Date"), widget=DateInput())
    title = forms.CharField(label=_("Title"), max_length=200)
    status = forms.CharField(label=_("Status"), required=False, max_length=40)
    participants = forms.IntegerField(label=_("Participants"), required=False, min_value=0)

    def __init__(self, *args, policy: PreventionPolicy, by_school: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # A school account is offered only the kinds the rule book lets the school record.
        self.fields["kind"].choices = [
            (k.code, k.name)
            for k in policy.school_record_kinds.values()
            if k.by_school or not by_school
        ]


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    period_start = forms.DateField(label=_("From"), widget=DateInput())
    period_end = forms.DateField(label=_("Until"), widget=DateInput())


def answer_form_class(questions):
    """The survey's questions as radio buttons (works without JavaScript)."""
    fields = {
        q["code"]: forms.TypedChoiceField(
            label=q["text"],
            coerce=int,
            choices=[(i, text) for i, text in enumerate(q["scale"], start=1)],
            widget=forms.RadioSelect,
            required=False,  # the service names the unanswered question
        )
        for q in questions
    }
    return type("AnswerForm", (forms.Form,), fields)


class StaffEntryForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=_("Township"), queryset=OrgUnit.objects.none())
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[c for c in Channel.choices if c[0] != Channel.ONLINE]
    )
    answered_on = forms.DateField(label=_("Answered on"), widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = geographic_units(user, (UnitLevel.TOWNSHIP,))
