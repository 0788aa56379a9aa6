from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.board, name="board"),
    path("todo/", views.todo, name="todo"),
    path("generate/", views.generate, name="generate"),
    path("obligations/<int:pk>/waive/", views.waive, name="waive"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("events/", views.event_list, name="event_list"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("letters/", views.letters, name="letters"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("holidays/", views.holidays, name="holidays"),
    path("notifications/", views.notifications, name="notifications"),
]
