"""Fill a catalogue's empty msgstrs from a JSON dict {msgid: Thai} and compile it.

    .venv/bin/python scripts/fill_po.py centres/locale/th/LC_MESSAGES/django.po tr.json
Entries already translated are left alone unless the dict names them; a string with a
context (pgettext) is keyed "context|msgid".
"""

import json
import subprocess
import sys

import polib


def main(po_path: str, json_path: str) -> None:
    with open(json_path, encoding="utf-8") as fh:
        table = json.load(fh)
    po = polib.pofile(po_path)
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Language"] = "th"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    for entry in po:
        # A string with a context is keyed "context|msgid" in the JSON.
        key = f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid
        if key in table:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: table[key]}
            else:
                entry.msgstr = table[key]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save(po_path)
    missing = [e.msgid for e in po if not e.translated() and not e.obsolete]
    subprocess.run(["msgfmt", "--check-format", "-o", po_path[:-3] + ".mo", po_path], check=True)  # noqa: S603, S607
    if missing:
        print("untranslated:", *missing, sep="\n  ")


if __name__ == "__main__":
    main(*sys.argv[1:3])
