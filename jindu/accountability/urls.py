from django.urls import path

from . import views

app_name = "accountability"
urlpatterns = [
    path("", views.action_list, name="action_list"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/notice.docx", views.interview_notice, name="interview_notice"),
    path("eligibility/", views.eligibility, name="eligibility"),
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/new/", views.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("listings/<int:pk>/assistance/", views.assistance, name="assistance"),
    path("assignments/", views.my_assignments, name="my_assignments"),
    path("assignments/<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("duties/", views.duties, name="duties"),
    path("duties/<int:pk>/record/", views.duty_record, name="duty_record"),
    path("annual-assessments/", views.annual_assessments, name="annual_assessments"),
    path("reports/", views.reports, name="reports"),
]
