from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from jindu.core.errors import Refused
from jindu.core.views import apply_refusal, get_scoped_or_404, paginate, require_office_user

from . import services
from .forms import LoginForm, PasswordForm, UserCreateForm, UserFilterForm, UserForm
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
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password(request.user, request.user, form.cleaned_data["password"])
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:profile")
    token = Token.objects.filter(user=request.user).first()
    return render(request, "accounts/profile.html", {"form": form, "token": token})


@require_POST
def token_renew(request):
    services.issue_token(request.user, renew=True)
    messages.success(request, _("A new API token was issued; the old one no longer works."))
    return redirect("accounts:profile")
