"""The roster import page (吸毒人员名册导入) and its template download.

URL names: ``control:roster_import`` (the page) and ``control:roster_template`` (the .xlsx).
The import itself is ``jindu.control.roster.importer``; this view only hands it the upload.
"""

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from jindu.core import jobs, xlsx
from jindu.core.views import require_change

from ..models import Person
from ..roster import importer as roster
from ..roster import template

# Files up to this many rows are checked and imported while the user waits (a few seconds;
# gunicorn's default 30 s worker timeout is far off); larger files run as a background job
# (core.jobs) whose page shows a progress bar and then the result. The import itself has no
# limit (100,000 rows in the benchmark).
PAGE_MAX_ROWS = 20000
# Above core.xlsx.BACKGROUND_BYTES (about 2,000 rows) the import runs in the background.
ALL, GOOD = "all", "good"


class RosterImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
    mode = forms.ChoiceField(
        label=_("When some rows are wrong"),
        choices=[
            (ALL, _("Import only if every row is correct")),
            (GOOD, _("Import only the correct rows")),
        ],
        initial=ALL,
        widget=forms.RadioSelect,
    )
    background = forms.BooleanField(
        label=_("Import in the background and show the progress"),
        required=False,
        help_text=_("Large files are always imported in the background."),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an .xlsx file made from the template."))
        return f


@require_http_methods(["GET", "POST"])
def roster_import(request):
    require_change(request.user, Person)
    form = RosterImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        good_rows_only = form.cleaned_data["mode"] == GOOD
        if xlsx.is_large(upload) or form.cleaned_data["background"]:
            job = jobs.start(
                request.user, "control.roster", upload, {"good_rows_only": good_rows_only}
            )
            return redirect("job", pk=job.pk)
        report = roster.import_roster(
            request.user,
            upload,
            good_rows_only=good_rows_only,
            max_rows=PAGE_MAX_ROWS,
        )
    return render(
        request,
        "control/roster_import.html",
        {
            "form": form,
            "report": report,
            "max_rows": PAGE_MAX_ROWS,
            "headers": roster.HEADERS,
        },
    )


def roster_template(request):
    require_change(request.user, Person)
    response = HttpResponse(
        template.template_bytes(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="roster-template.xlsx"'
    return response


urlpatterns = [
    path("roster/import/", roster_import, name="roster_import"),
    path("roster/template/", roster_template, name="roster_template"),
]
