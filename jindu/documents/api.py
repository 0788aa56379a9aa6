from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse

from jindu.api.base import ScopedReadOnlyViewSet, call_service
from jindu.api.filters import FilterSetBackend

from .filters import DocumentFilter
from .models import DocumentKind, IssuedDocument
from .services import ISSUERS
from .views import serve


class AnyFileRenderer(BaseRenderer):
    """Lets a client ask for the file by its own type (e.g. Word's) without a 406."""

    media_type = "*/*"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else JSONRenderer().render(data)


class DocumentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = IssuedDocument
        fields = [
            "id",
            "kind",
            "number",
            "date",
            "issuer",
            "title",
            "org_unit",
            "filename",
            "sha256",
            "size",
            "url",
            "source_model",
            "source_id",
            "policy_id",
            "issued_at",
        ]

    def get_url(self, obj) -> str:
        return reverse(
            "api:document-file", kwargs={"pk": obj.pk}, request=self.context.get("request")
        )


class IssueSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[DocumentKind.BRIEFING, DocumentKind.ACCOUNTABILITY_REPORT]
    )
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


@extend_schema_view(
    create=extend_schema(
        request=IssueSerializer,
        responses={201: DocumentSerializer},
        description="Issue a briefing (art. 28) or an accountability report (art. 33) for "
        "`date_from`–`date_to` (default: 1 January to today), office only. It is generated "
        "from the records as they stand and kept; the answer is the stored document.",
    ),
)
class DocumentViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Every issued document (decisions, briefings, accountability reports, interview
    notices): generated once at issue and kept; the file at `url` never changes (its SHA-256
    is `sha256`)."""

    queryset = IssuedDocument.objects.defer("content")
    serializer_class = DocumentSerializer
    filter_backends = [FilterSetBackend]
    filterset_class = DocumentFilter

    def create(self, request, *args, **kwargs):
        body = IssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        today = timezone.localdate()
        date_to = body.validated_data.get("date_to") or today
        date_from = body.validated_data.get("date_from") or date_to.replace(month=1, day=1)
        issuer = ISSUERS.get(body.validated_data["kind"])
        if issuer is None:
            raise ValidationError({"kind": [_("This kind of document is not issued here.")]})
        document = call_service(
            issuer,
            request.user,
            date_from=date_from,
            date_to=date_to,
        )
        data = DocumentSerializer(document, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, AnyFileRenderer])
    def file(self, request, pk=None):
        """The document's file, byte for byte as issued."""
        return serve(self.get_object())
