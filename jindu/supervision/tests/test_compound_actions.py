"""Saving, attaching and submitting a report, and recording a letter with its scan, are each
one action: a refused step writes nothing (issue 10). Upload limits are the service's."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jindu.core.errors import Refused
from jindu.core.models import Attachment
from jindu.supervision import reporting
from jindu.supervision.models import ResponsibilityLetter, WorkReport

D = datetime.date
GOOD = {"work_done": "开展禁毒宣传3场", "next_plan": "继续排查", "cases": "2"}


def _pdf(name="report.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 fictional", content_type="application/pdf")


def _exe():
    return SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")


def test_a_refused_submission_saves_no_draft_and_no_file(world):
    with pytest.raises(Refused) as refused:
        reporting.file_report(
            world.users["township_a"],
            kind="monthly_work_report",
            org_unit=world.township_a,
            period="2024-09",
            data={"cases": "1"},
            files=[_pdf()],
            submit=True,
        )
    assert set(refused.value.errors) == {"work_done", "next_plan"}
    assert not WorkReport.objects.exists() and not Attachment.objects.exists()


def test_a_refused_file_saves_no_draft(world):
    with pytest.raises(Refused) as refused:
        reporting.file_report(
            world.users["township_a"],
            kind="monthly_work_report",
            org_unit=world.township_a,
            period="2024-09",
            data=GOOD,
            files=[_pdf(), _exe()],
        )
    assert refused.value.field == "files"
    assert not WorkReport.objects.exists() and not Attachment.objects.exists()


def test_saving_attaching_and_submitting_is_one_action(world):
    report = reporting.file_report(
        world.users["township_a"],
        kind="monthly_work_report",
        org_unit=world.township_a,
        period="2024-09",
        data=GOOD,
        files=[_pdf()],
        submit=True,
    )
    assert report.status == "submitted"
    assert Attachment.objects.filter(object_id=str(report.pk)).count() == 1


def test_the_page_saves_nothing_when_the_submission_is_refused(world, client):
    client.force_login(world.users["township_a"])
    response = client.post(
        reverse("supervision:report_edit"),
        {"kind": "monthly_work_report", "period": "2024-09", "cases": "1", "submit": "1"},
    )
    assert response.status_code == 200
    assert not WorkReport.objects.exists()


def test_a_letter_whose_scan_is_refused_is_not_recorded(world, client):
    with pytest.raises(Refused) as refused:
        reporting.record_letter(
            world.users["township_a"],
            year=2024,
            upper_unit=world.township_a,
            lower_unit=world.village_a,
            signed_on=D(2024, 3, 10),
            scan=_exe(),
        )
    assert refused.value.field == "scan"
    assert not ResponsibilityLetter.objects.exists()
    # The page has no check of its own: the service's limit shows next to the field.
    client.force_login(world.users["township_a"])
    response = client.post(
        reverse("supervision:letters"),
        {
            "year": 2024,
            "upper_unit": world.township_a.pk,
            "lower_unit": world.village_a.pk,
            "signed_on": "2024-03-10",
            "scan": _exe(),
        },
    )
    assert response.status_code == 200
    assert "tool.exe" in response.content.decode()
    assert not ResponsibilityLetter.objects.exists() and not Attachment.objects.exists()


def test_the_form_check_and_the_service_refuse_the_same_files(world):
    from django import forms

    from jindu.core.forms import check_files
    from jindu.core.services import MAX_FILE_BYTES, attach

    big = SimpleUploadedFile("big.pdf", b"x" * (MAX_FILE_BYTES + 1))
    letter = reporting.record_letter(
        None,
        year=2024,
        upper_unit=world.township_a,
        lower_unit=world.village_a,
        signed_on=D(2024, 3, 10),
    )
    for bad in (_exe(), big):
        with pytest.raises(forms.ValidationError):
            check_files([bad])
        with pytest.raises(Refused):
            attach(None, letter, [bad])
    assert check_files([_pdf()])
    assert not Attachment.objects.exists()
