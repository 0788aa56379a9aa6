import django_filters as df
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from jindu.audit import presenters, selectors
from jindu.audit.models import AuditAction, AuditEvent

from .filters import CodeFilter, RecordFilter, SelectorFilterSet
from .scoping import VIEW, is_office
from .views import paginate
from .widgets import use_picker


def _units(request):
    unit_model = get_user_model()._meta.get_field("unit").related_model
    return unit_model.objects.restrict(getattr(request, "user", None), VIEW)


def _record_types(request=None):
    return presenters.record_types()


class _PeriodForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class AuditEventFilter(SelectorFilterSet):
    """The audit trail's filters, parsed once and handed to ``jindu.audit.selectors.events``."""

    actor = df.CharFilter(
        label=_("User"),
        max_length=150,
        help_text=_("Username or name, or part of it."),
    )
    unit = RecordFilter(label=_("Users of the unit"), queryset=_units, empty_label=_("All"))
    action = df.ChoiceFilter(
        label=_("Action"), choices=AuditAction.choices, empty_label=_("All actions")
    )
    model = CodeFilter(
        label=_("Record type"), choices=_record_types, empty_label=_("All record types")
    )
    object_id = df.CharFilter(label=_("Record id"), max_length=64)
    date_from = df.DateFilter(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = df.DateFilter(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = AuditEvent
        fields: list[str] = []
        form = _PeriodForm

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_picker", False):
            use_picker(form.fields["unit"], "units", inactive="1")
            form._picker = True
        return form

    def select(self, queryset, **values):
        return selectors.events(base=queryset, **values)


def event_list(request):
    """The audit trail, for the office administrator only. A filter that is not valid is
    reported next to its field and shows nothing (never silently everything)."""
    if not is_office(request.user):
        raise PermissionDenied
    filterset = AuditEventFilter(
        request.GET or None, queryset=AuditEvent.objects.all(), request=request, page=True
    )
    form = filterset.form
    invalid = filterset.is_bound and not form.is_valid()
    events = AuditEvent.objects.none() if invalid else filterset.qs
    page = paginate(request, events, 50)
    for event in page:
        event.readable = presenters.changes_of(event)
        event.record_name = presenters.record_name(event)
        event.summary = presenters.summary(event)
    return render(
        request, "audit/event_list.html", {"form": form, "page": page, "invalid": invalid}
    )
