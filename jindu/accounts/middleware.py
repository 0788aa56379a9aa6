"""Session rules: the idle timeout renewed at most once a ``SESSION_RENEW_SECONDS``, an
absolute lifetime, the second factor, and the forced change of an initial password before
anything else."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _

from . import otp

LOGIN_AT = "jindu_login_at"
# When the session's idle expiry was last pushed forward (settings.SESSION_RENEW_SECONDS).
RENEWED_AT = "jindu_renewed_at"

# What a user who must change the password may still reach.
OPEN_PATHS = ("/accounts/profile/", "/logout/", "/static/", "/i18n/", "/login/", "/healthz")
# ... and one who still owes the second factor.
OTP_PATHS = ("/accounts/otp/", "/logout/", "/static/", "/i18n/", "/login/", "/healthz")


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and user.is_authenticated and session is not None:
            if not getattr(request, "auth", None) and "_auth_user_id" in session:
                started = session.get(LOGIN_AT)
                now = time.time()
                if started is None:
                    session[LOGIN_AT] = now
                elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                    logout(request)
                    return redirect(f"{resolve_url(settings.LOGIN_URL)}?next={request.path}")
                # Writing the session pushes its idle expiry forward; once a minute is enough.
                if now - session.get(RENEWED_AT, 0) >= settings.SESSION_RENEW_SECONDS:
                    session[RENEWED_AT] = now
            if (
                "_auth_user_id" in session
                and otp.required_for(user)
                and not otp.is_verified(request)
                and not request.path.startswith(OTP_PATHS)
            ):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": _("Enter your one-time code first.")}, status=403
                    )
                return redirect(f"{reverse('accounts:otp')}?next={request.path}")
            if getattr(user, "must_change_password", False) and not request.path.startswith(
                OPEN_PATHS
            ):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": _("Change your initial password first (on your profile page).")},
                        status=403,
                    )
                return redirect("accounts:profile")
        return self.get_response(request)
