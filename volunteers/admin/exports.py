"""The export of the volunteer list from the admin: the list's volunteers read in chunks
(volunteers.exporting) and streamed."""

import tempfile

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from import_export.formats.base_formats import CSV, XLSX

from volunteer_centre.spreadsheets import TooManyRows, write_xlsx
from volunteers.admin_filters import matching_registrations
from volunteers.exporting import csv_stream, export_chunks
from volunteers.importing import ExportRows

EXPORT_FORMATS = {"csv": CSV, "xlsx": XLSX}
# An XLSX export up to this size is made in memory, a larger one in a temporary file.
XLSX_IN_MEMORY = 8 * 2**20


class VolunteerExportMixin:
    """The volunteer list taken away as CSV or XLSX: its filters and search, its scope."""

    def has_export_permission(self, request):
        """Whoever may read the list may take it away as a file (its scope, nothing more)."""
        return self.has_view_permission(request)

    def get_export_queryset(self, request):
        """The list's volunteers: its filters and search as the list page applies them,
        without the page's counts and slicing."""
        changelist_class = self.get_changelist(request)

        class ExportChangeList(changelist_class):
            def get_results(self, request):
                pass

        list_display = self.get_list_display(request)
        changelist = ExportChangeList(
            request,
            self.model,
            list_display,
            self.get_list_display_links(request, list_display),
            self.get_list_filter(request),
            self.date_hierarchy,
            self.get_search_fields(request),
            self.get_list_select_related(request),
            self.list_per_page,
            self.list_max_show_all,
            self.list_editable,
            self,
            self.get_sortable_by(request),
            self.search_help_text,
        )
        return changelist.queryset

    def export_action(self, request):
        # The export page of django-import-export, which this admin used to have (format and
        # field pickers), is replaced by the list's two links; its URL still leads to the CSV
        # with the same filters.
        url = reverse("admin:volunteers_volunteer_export_file", args=["csv"])
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)

    def export_file_view(self, request, file_format):
        """The list as CSV (streamed as it is read) or XLSX (written to a temporary file, then
        sent): one row per volunteer with their latest registration matching the filters."""
        if not self.has_view_permission(request) or not self.has_export_permission(request):
            raise PermissionDenied
        format_class = EXPORT_FORMATS.get(file_format)
        if format_class is None:
            raise Http404
        try:
            volunteers = self.get_export_queryset(request)
        except IncorrectLookupParameters:
            # What the list page answers to a filter it does not know.
            return redirect(reverse("admin:volunteers_volunteer_changelist") + "?e=1")
        rows = ExportRows()  # headers and labels in the language of this request
        chunks = export_chunks(volunteers, matching_registrations(request, self), rows)
        name = f"volunteers-{timezone.localdate().isoformat()}.{file_format}"
        content_type = format_class().get_content_type()
        if file_format == "csv":
            response = StreamingHttpResponse(
                csv_stream(rows.headers, chunks), content_type=content_type
            )
            response["Content-Disposition"] = content_disposition_header(True, name)
            return response
        # FileResponse closes the file once sent.
        file = tempfile.SpooledTemporaryFile(max_size=XLSX_IN_MEMORY)  # noqa: SIM115
        try:
            write_xlsx(file, rows.headers, chunks, title=str(self.opts.verbose_name_plural))
        except TooManyRows as error:
            chunks.close()  # the reading ahead stops before the page uses the connection
            file.close()
            messages.error(
                request,
                _(
                    "This list has more volunteers than an Excel sheet holds (%(count)s): "
                    "export it as CSV, or narrow it with the filters."
                )
                % {"count": formats.number_format(error.args[0], force_grouping=True)},
            )
            query = request.GET.urlencode()
            url = reverse("admin:volunteers_volunteer_changelist")
            return redirect(f"{url}?{query}" if query else url)
        file.seek(0)
        return FileResponse(file, as_attachment=True, filename=name, content_type=content_type)
