from .web import kpis, registry, relapse, roster

app_name = "control"
urlpatterns = registry.urlpatterns + relapse.urlpatterns + kpis.urlpatterns + roster.urlpatterns
