"""The control area's REST endpoints: the viewsets and the two target views (``viewsets``,
registered by ``jindu/api/urls.py``) and their serializers (``serializers``)."""
