from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from jindu.core.scoping import VIEW
from jindu.orgs.models import OrgUnit

from .models import User
from .roles import Role


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class UserForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "role", "unit", "phone", "email", "is_active"]

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.restrict(actor, VIEW).filter(is_active=True)


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


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )
