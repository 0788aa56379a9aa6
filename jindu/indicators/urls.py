from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("items/", views.items, name="items"),
    path("warnings/", views.warnings, name="warnings"),
    path("warnings/compute/", views.warnings_compute, name="warnings_compute"),
    path("warnings/actions/<int:pk>/decide/", views.action_decide, name="action_decide"),
    path("briefings/", views.briefings, name="briefings"),
    path("briefings/<int:pk>/document/", views.briefing_document, name="briefing_document"),
]
