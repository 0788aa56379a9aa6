from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jindu.core.errors import Refused
from jindu.core.views import (
    apply_refusal,
    get_scoped_or_404,
    local_target,
    paginate,
    require_office_user,
)

from . import services
from .forms import (
    LoginForm,
    OwnPasswordForm,
    PasswordForm,
    UserCreateForm,
    UserFilterForm,
    UserForm,
)
from .models import User


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def user_list(request):
    require_office_user(request)
    form = UserFilterForm(request.GET or None)
    users = User.objects.restrict(request.user).select_related("unit")
    if form.is_valid():
        if q := form.cleaned_data["q"].strip():
            users = users.filter(
                Q(username__icontains=q) | Q(full_name__icontains=q) | Q(unit__name__icontains=q)
            )
        if role := form.cleaned_data["role"]:
            users = users.filter(role=role)
    return render(
        request, "accounts/user_list.html", {"form": form, "page": paginate(request, users)}
    )


@require_http_methods(["GET", "POST"])
def user_create(request):
    require_office_user(request)
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("is_active", None)
        try:
            user = services.create_user(request.user, **data)
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("Account %(name)s created.") % {"name": user.username})
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": _("New account")})


@require_http_methods(["GET", "POST"])
def user_edit(request, pk: int):
    require_office_user(request)
    target = get_scoped_or_404(User, request.user, pk)
    form = UserForm(request.POST or None, instance=User.objects.get(pk=pk), actor=request.user)
    password_form = PasswordForm()
    if request.method == "POST" and form.is_valid():
        try:
            services.update_user(request.user, target, **form.cleaned_data)
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:user_list")
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "password_form": password_form,
            "target": target,
            "title": _("Account %(name)s") % {"name": target.username},
        },
    )


@require_POST
def user_password(request, pk: int):
    require_office_user(request)
    target = get_scoped_or_404(User, request.user, pk)
    form = PasswordForm(request.POST)
    if form.is_valid():
        try:
            services.set_password(request.user, target, form.cleaned_data["password"])
        except Refused as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Password reset."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("accounts:user_edit", pk=pk)


@require_http_methods(["GET", "POST"])
def profile(request):
    form = OwnPasswordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password(request.user, request.user, form.cleaned_data["password"])
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:profile")
    return _profile(request, form)


def _profile(request, form, new_token: str = ""):
    from .models import ApiToken

    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "tokens": tokens,
            "new_token": new_token,
            "may_use_api": request.user.may_use_api,
        },
    )


@require_POST
def token_renew(request):
    if not request.user.may_use_api:
        raise PermissionDenied
    """Issue a new named token and show it this once (only its hash is kept)."""
    _token, raw = services.issue_token(request.user, name=request.POST.get("name", "")[:100])
    return _profile(request, PasswordForm(), new_token=raw)


@require_POST
def token_revoke(request, pk):
    from . import tokens
    from .models import ApiToken

    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.revoke(request.user, token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:profile")


@require_http_methods(["GET", "POST"])
def otp_view(request):
    """The second factor: enrol (scan the key, confirm with a code, keep the recovery codes)
    or enter a code (or a recovery code)."""
    from django import forms as djforms

    from . import otp

    class CodeForm(djforms.Form):
        code = djforms.CharField(label=_("One-time code"), max_length=20)

    form = CodeForm(request.POST or None)
    target = local_target(request, request.GET.get("next", ""), "/")
    device = otp.totp_device(request.user)
    if device is None:
        pending = otp.start_enrolment(request.user)
        if request.method == "POST" and form.is_valid():
            try:
                codes = otp.confirm_enrolment(request, pending, form.cleaned_data["code"])
            except Refused as exc:
                apply_refusal(form, exc)
            else:
                return render(
                    request, "accounts/otp.html", {"recovery_codes": codes, "next": target}
                )
        return render(
            request,
            "accounts/otp.html",
            {"form": form, "enrol": pending, "secret": _base32(pending.bin_key), "next": target},
        )
    if request.method == "POST" and form.is_valid():
        if otp.verify(request, form.cleaned_data["code"]):
            return redirect(target)
        form.add_error("code", _("The code is wrong or has expired."))
    return render(request, "accounts/otp.html", {"form": form, "next": target})


def _base32(key: bytes) -> str:
    import base64

    return base64.b32encode(key).decode().rstrip("=")


@require_POST
def user_otp_reset(request, pk: int):
    from . import otp

    require_office_user(request)
    target = get_scoped_or_404(User, request.user, pk)
    otp.reset_second_factor(request.user, target)
    messages.success(request, _("The second factor was reset; the user enrols again."))
    return redirect("accounts:user_edit", pk=pk)
