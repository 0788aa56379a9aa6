from django.urls import path

from .web import views

app_name = "precursors"
urlpatterns = [
    path("", views.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", views.enterprise_form, name="enterprise_create"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_form, name="enterprise_edit"),
    path("enterprises/<int:pk>/ledger/new/", views.entry_create, name="entry_create"),
    path("enterprises/<int:pk>/licences/new/", views.licence_create, name="licence_create"),
    path(
        "enterprises/<int:pk>/inspections/new/", views.inspection_create, name="inspection_create"
    ),
    path("enterprises/<int:pk>/reports/new/", views.annual_report_create, name="report_create"),
    path("enterprises/<int:pk>/reconciliation/", views.reconciliation, name="reconciliation"),
    path("inspections/<int:pk>/rectified/", views.inspection_rectified, name="rectified"),
    path("flags/", views.flag_list, name="flags"),
    path("flags/run/", views.flag_run, name="flag_run"),
    path("flags/<int:pk>/close/", views.flag_close, name="flag_close"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/new/", views.chemical_form, name="chemical_create"),
    path("catalogue/<int:pk>/edit/", views.chemical_form, name="chemical_edit"),
    path("import/", views.ledger_upload, name="import"),
    path("import/template/", views.ledger_template, name="import_template"),
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("kpis/", views.kpis, name="kpis"),
    path("kpis/<str:code>/", views.kpi_enterprises, name="kpi_enterprises"),
]
