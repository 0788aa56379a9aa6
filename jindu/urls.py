from csp.decorators import csp_update
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from jindu.accounts.views import LoginView
from jindu.core import views as core_views
from jindu.enforcement import views as enforcement_views

SWAGGER_INLINE_STYLE = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("favicon.ico", login_not_required(core_views.favicon)),
    path("healthz", login_not_required(core_views.healthz), name="healthz"),
    path("login/", login_not_required(LoginView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("orgs/", include("jindu.orgs.urls")),
    path("accounts/", include("jindu.accounts.urls")),
    path("audit/", include("jindu.core.audit_urls")),
    path("rectification/", include("jindu.rectification.urls")),
    path("accountability/", include("jindu.accountability.urls")),
    path("supervision/", include("jindu.supervision.urls")),
    path("control/", include("jindu.control.urls")),
    path("documents/", include("jindu.documents.urls")),
    path("enforcement/", include("jindu.enforcement.urls")),
    path("tip/", enforcement_views.public_tip, name="public_tip"),
    path("precursors/", include("jindu.precursors.urls")),
    path("prevention/", include("jindu.prevention.urls")),
    path("indicators/", include("jindu.indicators.urls")),
    path("files/<int:pk>/", core_views.attachment_download, name="attachment"),
    path("pick/<slug:source>/", core_views.pick, name="pick"),
    path("jobs/<int:pk>/", core_views.job, name="job"),
    # The API authenticates by token or session and answers 401 itself (see core.middleware).
    path("api/v1/", include("jindu.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        # Swagger UI sets one fixed inline style; allow exactly that one by its hash.
        csp_update({"style-src": [SWAGGER_INLINE_STYLE]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
]
