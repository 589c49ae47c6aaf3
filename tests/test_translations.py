"""Thai first: every string of the project has a Thai translation, and the compiled catalogues
are the ones in the repository."""

from pathlib import Path

import django
import polib
import pytest
from django.conf import settings

GAPS = Path(settings.BASE_DIR) / "locale" / "django-gaps" / "th" / "LC_MESSAGES"
CATALOGUES = sorted(
    [
        p
        for p in Path(settings.BASE_DIR).glob("**/locale/th/LC_MESSAGES/*.po")
        if ".venv" not in p.parts
    ]
    + list(GAPS.glob("*.po"))
)
DJANGO = Path(django.__file__).parent
# Django's own catalogues a Thai user meets in the admin: (package folder, gettext domain).
DJANGO_CATALOGUES = [
    ("conf", "django"),
    ("contrib/admin", "django"),
    ("contrib/admin", "djangojs"),
    ("contrib/auth", "django"),
    ("contrib/contenttypes", "django"),
    ("contrib/postgres", "django"),  # ArrayField and range errors; Django ships no Thai at all
]


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
    source = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0, "")
        for e in polib.pofile(str(path)).translated_entries()
    }
    compiled = polib.mofile(str(path.with_suffix(".mo")))
    built = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0, "") for e in compiled}
    assert source.items() <= built.items(), f"{path.with_suffix('.mo')} is stale: recompile it"


def _key(entry):
    return (entry.msgctxt, entry.msgid)


@pytest.mark.parametrize(("folder", "domain"), DJANGO_CATALOGUES, ids=lambda v: str(v))
def test_the_gaps_catalogue_translates_every_string_django_leaves_in_english(folder, domain):
    """Django's Thai leaves about a fifth of the admin and auth strings untranslated; the
    django-gaps catalogue fills each of them, so an upgrade or a makemessages run that drops
    one fails here instead of showing English in the admin."""
    english = polib.pofile(str(DJANGO / folder / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"))
    thai_path = DJANGO / folder / "locale" / "th" / "LC_MESSAGES" / f"{domain}.po"
    done = (
        {_key(e) for e in polib.pofile(str(thai_path)).translated_entries()}
        if thai_path.exists()
        else set()
    )
    gaps = {_key(e) for e in polib.pofile(str(GAPS / f"{domain}.po")).translated_entries()}
    left = [e.msgid for e in english if e.msgid and _key(e) not in done | gaps]
    assert not left, f"Django leaves these {domain} strings of {folder} in English: {left}"


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_gaps_catalogue_holds_only_djangos_strings(domain):
    """Project strings belong in the apps' catalogues and locale/th; an entry here that no
    Django catalogue has is a stray from a makemessages run over this folder."""
    django_keys = set()
    for path in DJANGO.glob(f"**/locale/en/LC_MESSAGES/{domain}.po"):
        django_keys |= {_key(e) for e in polib.pofile(str(path))}
    gaps = polib.pofile(str(GAPS / f"{domain}.po"))
    stray = [e.msgid for e in gaps if _key(e) not in django_keys]
    assert not stray, f"not Django's strings, in django-gaps/{domain}.po: {stray}"
    assert not gaps.obsolete_entries(), "obsolete (#~) entries are not compiled: restore them"


def test_an_array_fields_error_reaches_the_user_in_thai():
    from django.contrib.postgres.forms import SimpleArrayField
    from django.forms import CharField, ValidationError
    from django.utils import translation

    field = SimpleArrayField(CharField(), max_length=1)
    with translation.override("th"), pytest.raises(ValidationError) as error:
        field.clean("ยากจน,ที่อยู่อาศัย")
    assert "ต้องมีไม่เกิน 1 รายการ" in " ".join(error.value.messages)
