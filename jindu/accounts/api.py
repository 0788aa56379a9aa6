from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from jindu.api.base import call_service
from jindu.api.filters import FilterSetBackend

from . import otp, services, tokens
from .filters import TokenFilter
from .models import ApiToken


class TokenThrottle(AnonRateThrottle):
    scope = "token"


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        style={"input_type": "password"}, trim_whitespace=False, max_length=1024
    )
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    expires_in_days = serializers.IntegerField(required=False, min_value=1, max_value=3650)
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text="The one-time code (or a recovery code) for office administrators and "
        "leaders, where the deployment requires it (TWO_FACTOR_API).",
    )


class TokenSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)
    live = serializers.BooleanField(source="is_live", read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "user",
            "name",
            "prefix",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "live",
        ]


class TokenView(APIView):
    """Exchange a username and password for an API token (``Authorization: Token <token>``).

    Failed attempts count toward the same lockout as the login page.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "TokenResponse",
                {
                    "token": serializers.CharField(),
                    "id": serializers.IntegerField(),
                    "name": serializers.CharField(),
                    "expires_at": serializers.DateTimeField(),
                },
            )
        },
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if getattr(request._request, "axes_locked_out", False):
            # This view answers the lockout itself, in JSON like every API error; otherwise
            # Axes' middleware would replace the answer with the HTML lockout page.
            request._request.axes_locked_out = False
            return Response(
                {"detail": _("Too many failed attempts: this account is locked for a while.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None or not user.is_active:
            return Response(
                {"detail": _("Wrong username or password.")}, status=status.HTTP_400_BAD_REQUEST
            )
        if not user.may_use_api:
            return Response(
                {
                    "detail": _(
                        "This account may not use the API; the county office grants API "
                        "access to accounts that integrate."
                    )
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        if (
            settings.TWO_FACTOR_API
            and otp.required_for(user)
            and not otp.verify_user_code(user, serializer.validated_data.get("otp", ""))
        ):
            return Response(
                {
                    "detail": _("Enter your one-time code."),
                    "errors": {"otp": [_("Enter your one-time code.")]},
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        if user.must_change_password:
            return Response(
                {"detail": _("Change your initial password first (on your profile page).")},
                status=status.HTTP_403_FORBIDDEN,
            )
        token, raw = call_service(
            services.issue_token,
            user,
            name=serializer.validated_data.get("name", ""),
            days=serializer.validated_data.get("expires_in_days"),
        )
        return Response(
            {"token": raw, "id": token.pk, "name": token.name, "expires_at": token.expires_at}
        )


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    role = serializers.CharField(source="effective_role")
    unit = serializers.IntegerField(source="unit_id", allow_null=True)


class MeView(APIView):
    """Who the token belongs to: role and unit, which decide what the API shows."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class TokenViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your API tokens (the office sees everyone's): name, when issued, when they expire,
    when last used. DELETE revokes one at once. New tokens: POST /api/v1/auth/token/."""

    serializer_class = TokenSerializer
    queryset = ApiToken.objects.all()
    filter_backends = [FilterSetBackend]
    filterset_class = TokenFilter

    def get_queryset(self):
        # A token is found (shown, revoked) only among those the caller may see.
        return tokens.visible_tokens(self.request.user)

    def perform_destroy(self, instance):
        call_service(tokens.revoke, self.request.user, instance)
