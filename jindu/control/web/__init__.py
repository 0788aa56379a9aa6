"""Web pages of the control area, one module per part (registry, relapse, kpis, roster).

Each module keeps its own ``urlpatterns``; ``jindu/control/urls.py`` joins them.
"""
