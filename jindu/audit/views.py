from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from jindu.core.views import paginate

from .models import AuditAction, AuditEvent


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("User"), required=False)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AuditAction.choices]
    )
    model = forms.CharField(label=_("Record type"), required=False)
    object_id = forms.CharField(label=_("Record id"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def event_list(request):
    """The audit trail, for the office administrator only."""
    if not request.user.is_office_admin:
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            events = events.filter(actor_name__icontains=data["actor"])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["model"]:
            events = events.filter(model__icontains=data["model"])
        if data["object_id"]:
            events = events.filter(object_id=data["object_id"])
        if data["date_from"]:
            events = events.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            events = events.filter(at__date__lte=data["date_to"])
    return render(
        request, "audit/event_list.html", {"form": form, "page": paginate(request, events, 50)}
    )
