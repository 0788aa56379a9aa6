from .web import (
    kpis,
    office_lists,
    person_actions,
    person_file,
    person_form,
    person_list,
    relapse,
    roster,
)

app_name = "control"
urlpatterns = (
    person_list.urlpatterns
    + person_form.urlpatterns
    + person_file.urlpatterns
    + person_actions.urlpatterns
    + office_lists.urlpatterns
    + relapse.urlpatterns
    + kpis.urlpatterns
    + roster.urlpatterns
)
