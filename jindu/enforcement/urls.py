from django.urls import path

from . import views

app_name = "enforcement"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/add/<str:what>/", views.case_add, name="case_add"),
    path("suspects/<int:pk>/reveal/", views.suspect_reveal, name="suspect_reveal"),
    path("stats/", views.stats, name="stats"),
    path("targets/", views.targets, name="targets"),
    path("outbound/", views.outbound_list, name="outbound_list"),
    path("outbound/new/", views.outbound_new, name="outbound_new"),
    path("outbound/<int:pk>/", views.outbound_work, name="outbound_work"),
    path("eradication/", views.eradication, name="eradication"),
    path("eradication/patrols/new/", views.patrol_new, name="patrol_new"),
    path("eradication/findings/new/", views.finding_new, name="finding_new"),
    path("venues/", views.venue_list, name="venue_list"),
    path("venues/new/", views.venue_new, name="venue_new"),
    path("venues/<int:pk>/", views.venue_detail, name="venue_detail"),
    path("tips/", views.tip_list, name="tip_list"),
    path("tips/new/", views.tip_new, name="tip_new"),
    path("tips/<int:pk>/", views.tip_detail, name="tip_detail"),
    path("tips/<int:pk>/reporter/", views.tip_reporter, name="tip_reporter"),
    path("access-log/", views.access_log, name="access_log"),
]
