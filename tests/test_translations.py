"""Thai first: every string of the project has a Thai translation, and the compiled catalogues
are the ones in the repository."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGUES = sorted(
    p
    for p in Path(settings.BASE_DIR).glob("**/locale/th/LC_MESSAGES/*.po")
    if ".venv" not in p.parts
)


def test_the_project_has_thai_catalogues():
    apps = {p.parts[-5] for p in CATALOGUES}
    assert {"centres", "volunteers", "cases", "volunteer_centre"} <= apps


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_every_string_is_translated(path):
    catalogue = polib.pofile(str(path))
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not missing, f"untranslated in {path.name}: {missing}"
    assert not fuzzy, f"fuzzy (unchecked) in {path.name}: {fuzzy}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_compiled_catalogue_matches_its_source(path):
    source = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0, "")
              for e in polib.pofile(str(path)).translated_entries()}  # fmt: skip
    compiled = polib.mofile(str(path.with_suffix(".mo")))
    built = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0, "") for e in compiled}
    assert source.items() <= built.items(), f"{path.with_suffix('.mo')} is stale: recompile it"
