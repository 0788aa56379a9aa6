from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("tree/", views.unit_tree, name="unit_tree"),
    path("tree/<int:pk>/", views.unit_tree_branch, name="unit_tree_branch"),
    path("member-units/", views.member_unit_list, name="member_unit_list"),
    path("stations/", views.station_list, name="station_list"),
    path("new/", views.unit_create, name="unit_create"),
    path("import/", views.unit_import, name="unit_import"),
    path("import/template.xlsx", views.unit_import_template, name="unit_import_template"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
    path("<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("<int:pk>/positions/new/", views.position_create, name="position_create"),
    path("positions/", views.position_list, name="position_list"),
    path("positions/<int:pk>/edit/", views.position_edit, name="position_edit"),
]
