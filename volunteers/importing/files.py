"""Reading the uploaded file: the first sheet of an XLSX file or a CSV file (sniffed, UTF-8 or
Windows Thai), anything else (old Excel, PDF, images) refused; and writing one back."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO

import openpyxl
from django.utils.translation import gettext_lazy as _

from volunteer_centre.spreadsheets import csv_bytes, xlsx_bytes


class ImportFileError(Exception):
    """The file as a whole cannot be imported (not CSV or XLSX, unreadable, columns missing)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


@dataclass
class Table:
    headers: list
    rows: Iterable[list]  # data rows; row i is line i + 2 of the spreadsheet (the header is 1)
    format: str  # "csv" or "xlsx"


_ZIP_MAGIC = b"PK\x03\x04"
_GZIP_MAGIC = b"\x1f\x8b"
# Old Excel (.xls), PDF and images: say what the file is not, rather than "bad CSV".
_BINARY_MAGIC = (b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")
_BLOCK = 1 << 20


def open_source(content: bytes | BinaryIO) -> BinaryIO:
    """A seekable binary file of ``content``: bytes, a file, or what ``store_upload`` kept."""
    file = io.BytesIO(content) if isinstance(content, bytes | bytearray | memoryview) else content
    file.seek(0)
    if file.read(2) == _GZIP_MAGIC:
        file.seek(0)
        return gzip.GzipFile(fileobj=file, mode="rb")
    file.seek(0)
    return file


def store_upload(upload: BinaryIO) -> bytes:
    """What the preview keeps of an upload until it is confirmed: a CSV gzipped (a fifth of
    its size, read back as a stream), an XLSX as it is (already compressed)."""
    upload.seek(0)
    if upload.read(4) == _ZIP_MAGIC:
        upload.seek(0)
        return upload.read()
    upload.seek(0)
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=1, mtime=0) as packed:
        while block := upload.read(_BLOCK):
            packed.write(block)
    return out.getvalue()


def _utf8(file: BinaryIO) -> bool:
    """Whether all of ``file`` is UTF-8, read a block at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while block := file.read(_BLOCK):
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        file.seek(0)
    return True


def open_table(content: bytes | BinaryIO, file_name: str) -> Table:
    """The first sheet of an XLSX file or a CSV file (UTF-8, or Windows Thai cp874), its rows
    read as they are iterated: a file of any length in the memory of a few rows."""
    file = open_source(content)
    suffix = PurePath(file_name or "").suffix.lower()
    not_ours = ImportFileError(
        _("Only CSV and XLSX files can be imported: «%(name)s» is neither.") % {"name": file_name}
    )
    start = file.read(4096)
    file.seek(0)
    if suffix == ".xlsx" or (start.startswith(_ZIP_MAGIC) and suffix != ".csv"):
        if not start.startswith(_ZIP_MAGIC):
            raise not_ours
        unreadable = _("This Excel file cannot be read: save it again as .xlsx or .csv.")
        try:
            # read_only: rows are parsed from the sheet's XML as they are asked for.
            book = openpyxl.load_workbook(file, read_only=True, data_only=True)
            rows = book.active.iter_rows(values_only=True)
            headers = list(next(rows, None) or [])
        except Exception as error:  # openpyxl raises many kinds on a damaged workbook
            raise ImportFileError(unreadable) from error

        def sheet_rows():
            try:
                for row in rows:
                    yield list(row)
            except Exception as error:
                raise ImportFileError(unreadable) from error
            finally:
                book.close()

        return Table(headers, sheet_rows(), "xlsx")
    if suffix not in (".csv", ".txt", ""):
        raise not_ours
    if b"\x00" in start or start.startswith((_ZIP_MAGIC, *_BINARY_MAGIC)):
        raise not_ours
    # Excel on Thai Windows saves CSV in the Thai code page.
    encoding, errors = ("utf-8-sig", "strict") if _utf8(file) else ("cp874", "replace")
    text = io.TextIOWrapper(file, encoding=encoding, errors=errors, newline="")
    sample = text.read(4096)
    text.seek(0)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(text, dialect)
    headers = next(reader, None)
    if headers is None:
        raise ImportFileError(_("The file is empty."))
    return Table(headers, reader, "csv")


def read_table(content: bytes, file_name: str) -> Table:
    """``open_table`` with every row read: for files of a size that fits in memory."""
    table = open_table(content, file_name)
    return Table(table.headers, list(table.rows), table.format)


def write_table(headers: list, rows: Iterable[list], file_format: str) -> bytes:
    """A CSV (UTF-8 with the byte-order mark Excel needs for Thai) or XLSX file, its cells
    defused (volunteer_centre.spreadsheets)."""
    if file_format == "xlsx":
        return xlsx_bytes(headers, rows, title="volunteers")
    return csv_bytes(headers, rows)
