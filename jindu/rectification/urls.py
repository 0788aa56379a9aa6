from django.urls import path

from . import views

app_name = "rectification"
urlpatterns = [
    path("", views.board, name="board"),
    path("decide/", views.decide_list, name="decide_list"),
    path("<int:pk>/", views.designation_detail, name="designation_detail"),
    path("<int:pk>/decide/", views.decide_change, name="decide_change"),
    path("<int:pk>/assess/", views.assess, name="assess"),
    path("<int:pk>/reports/new/", views.report_create, name="report_create"),
    path("decisions/<int:pk>/document.docx", views.decision_document, name="decision_document"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/new/", views.application_create, name="application_create"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/close/", views.application_close, name="application_close"),
    path("evaluations/", views.evaluation_list, name="evaluation_list"),
    path("evaluations/new/", views.evaluation_create, name="evaluation_create"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
]
