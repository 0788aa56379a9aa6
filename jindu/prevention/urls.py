from django.urls import path

from .web import schools, survey, views

app_name = "prevention"
urlpatterns = [
    path("", views.home, name="home"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("fixtures/", views.fixture_list, name="fixture_list"),
    path("fixtures/new/", views.fixture_create, name="fixture_create"),
    path("liaisons/new/", views.liaison_create, name="liaison_create"),
    path("population/", views.population_list, name="population_list"),
    path("targets/", views.kpis, name="kpis"),
    path("targets/villages/", views.kpi_villages, name="kpi_villages"),
    path("schools/", schools.school_list, name="school_list"),
    path("schools/<int:pk>/", schools.school_detail, name="school_detail"),
    path("classes/<int:pk>/", schools.class_detail, name="class_detail"),
    path("class-hours/", schools.class_hours, name="class_hours"),
    path("qingjiao/import/", schools.qingjiao_import, name="qingjiao_import"),
    path("surveys/", survey.survey_list, name="survey_list"),
    path("surveys/<int:pk>/", survey.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/entry/", survey.survey_entry, name="survey_entry"),
    path(
        "surveys/<int:pk>/poster/<int:unit_id>.<str:fmt>",
        survey.survey_poster,
        name="survey_poster",
    ),
    # The public page: no login; the token names survey and township (signed).
    path("s/<str:token>/", survey.survey_answer, name="survey_answer"),
]
