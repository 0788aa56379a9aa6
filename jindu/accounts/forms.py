from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from jindu.core.scoping import VIEW
from jindu.core.widgets import use_picker
from jindu.orgs.models import OrgUnit

from .models import User
from .roles import Role
from .services import password_problems


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class UserForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "role", "unit", "phone", "email", "api_access", "is_active"]

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.restrict(actor, VIEW).filter(is_active=True)
        use_picker(self.fields["unit"], "units")
        if self.instance.pk and self.instance.role == Role.SCHOOL:
            # Bound to its school: the role and the unit (the school's township) stay.
            self.fields["role"].disabled = True
            self.fields["unit"].disabled = True
        else:
            self.fields["role"].choices = [c for c in Role.choices if c[0] != Role.SCHOOL]
            self.fields["role"].help_text = _("A school account is created on its school's page.")


class UserCreateForm(UserForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput,
        help_text=_("At least 10 characters, not only digits."),
    )

    class Meta(UserForm.Meta):
        fields = ["username", "password", "full_name", "role", "unit", "phone", "email"]


class PasswordForm(forms.Form):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)
    confirm = forms.CharField(label=_("Repeat the new password"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("confirm"):
            self.add_error("confirm", _("The two passwords differ."))
        return data


class OwnPasswordForm(PasswordForm):
    """Changing one's own password asks for the current one: a session left open on a
    shared office computer must not be enough to take the account over."""

    current = forms.CharField(
        label=_("Current password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["current", "password", "confirm"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        # Checked here too, so a mistyped current password does not hide what is wrong
        # with the new one (the service checks again and is the one that decides).
        value = self.cleaned_data["password"]
        problems = password_problems(self.user, value)
        if problems:
            raise forms.ValidationError(problems)
        return value

    def clean_current(self):
        value = self.cleaned_data["current"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("The current password is not right."))
        return value


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )
