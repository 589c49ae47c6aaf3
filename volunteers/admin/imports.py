"""The import of volunteer files through the admin, and its record."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from import_export.formats.base_formats import CSV, XLSX

from volunteers.admin._common import ScopedAdmin
from volunteers.admin_forms import VolunteerImportForm
from volunteers.importing import ImportFileError, store_upload, volunteers_import
from volunteers.models import VolunteerImport


class VolunteerImportMixin:
    """Volunteer files uploaded, checked and previewed, then saved (all rows or the valid ones),
    from the volunteer list."""

    def _import_context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import volunteers"),
            **extra,
        }

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = VolunteerImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            # Kept for the confirmation (a CSV gzipped); the check reads the upload itself as
            # a stream, a chunk of rows at a time.
            stored = store_upload(upload.file)
            try:
                report = volunteers_import(
                    actor=request.user, content=upload.file, file_name=upload.name, dry_run=True
                )
            except ImportFileError as error:
                form.add_error("file", error.message)
            else:
                run = VolunteerImport.objects.create(
                    created_by=request.user,
                    file_name=upload.name,
                    content=stored,
                    report=report.as_json(),
                )
                return redirect("admin:volunteers_volunteer_import_preview", pk=run.pk)
        context = self._import_context(request, form=form)
        return TemplateResponse(request, "admin/volunteers/volunteer/import.html", context)

    def import_preview_view(self, request, pk):
        if not self.has_add_permission(request):
            raise PermissionDenied
        runs = VolunteerImport.objects.visible_to(request.user)
        run = get_object_or_404(runs, pk=pk)
        if request.method == "POST":
            with transaction.atomic():
                run = get_object_or_404(runs.select_for_update(), pk=pk)
                if run.status == VolunteerImport.Status.PREVIEWED:
                    self._run_import(request, run, partial="_partial" in request.POST)
            return redirect("admin:volunteers_volunteer_import_preview", pk=run.pk)
        context = self._import_context(request, run=run, report=run.report)
        return TemplateResponse(request, "admin/volunteers/volunteer/import_preview.html", context)

    def _run_import(self, request, run, *, partial):
        try:
            report = volunteers_import(
                actor=request.user,
                content=bytes(run.content),
                file_name=run.file_name,
                partial=partial,
            )
        except ImportFileError as error:
            messages.error(request, error.message)
            return
        run.status = VolunteerImport.Status.DONE
        run.partial = partial
        run.report = report.as_json()
        run.content = b""
        run.rejects = report.rejects_file() if partial and report.rejected else b""
        run.save()
        level = messages.SUCCESS if report.committed and not report.rejected else messages.WARNING
        messages.add_message(request, level, report.summary())

    def import_rejects_view(self, request, pk):
        if not self.has_add_permission(request):
            raise PermissionDenied
        run = get_object_or_404(VolunteerImport.objects.visible_to(request.user), pk=pk)
        if not run.rejects:
            raise Http404
        xlsx = bytes(run.rejects).startswith(b"PK")
        file_format = XLSX() if xlsx else CSV()
        response = HttpResponse(bytes(run.rejects), content_type=file_format.get_content_type())
        stem = run.file_name.rsplit(".", 1)[0] or "volunteers"
        name = f"{stem}-rejected.{'xlsx' if xlsx else 'csv'}"
        # The name comes from the uploaded file: quotes, line breaks or Thai in it must not
        # break the header.
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response


@admin.register(VolunteerImport)
class VolunteerImportAdmin(ScopedAdmin):
    """The record of imports: who uploaded which file and what came of it. Read only."""

    list_display = ["file_name", "created_by", "created_at", "status", "partial", "summary"]
    list_filter = ["status"]
    list_select_related = ["created_by"]
    fields = ["file_name", "created_by", "created_at", "status", "partial", "summary"]
    readonly_fields = fields

    @admin.display(description=_("result"))
    def summary(self, obj):
        return obj.report.get("summary", "")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_list_display_links(self, request, list_display):
        return ["file_name"]

    def view_on_site(self, obj):
        return reverse("admin:volunteers_volunteer_import_preview", args=[obj.pk])
