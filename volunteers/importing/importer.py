"""The importer: a chunk of rows checked (checking, cleaning) and written (writing)."""

from __future__ import annotations

import datetime as dt
from inspect import getattr_static

from django.db.models.query_utils import DeferredAttribute

from centres.models import Centre, Subdistrict
from volunteers.models import Registration, Volunteer

from .checking import _ChunkChecks
from .cleaning import _ALWAYS_EXCLUDED, _clean_field, _RowChecks
from .columns import _VOLUNTEER_KEYS, COLUMN_BY_KEY, ERRORS_COLUMN, ROW_COLUMN, header
from .values import _CHOICES
from .writing import _Writing

# The columns a row's label is made of.
_LABELLED = frozenset({"first_name", "last_name", "national_id", "passport_number"})


class _Importer(_ChunkChecks, _RowChecks, _Writing):
    """Turns rows into a volunteer and a registration each, checks and saves them, a chunk of
    rows at a time: what the chunk refers to (centres, subdistricts, national IDs, passports and
    registration numbers already taken) is read in one query each, and its valid rows are
    written with COPY."""

    def __init__(self, actor, positions: dict[str, int], shown: dict[str, str]):
        self.actor = actor
        self.positions = [
            (COLUMN_BY_KEY[key], index)
            for key, index in positions.items()
            if key not in (ROW_COLUMN.key, ERRORS_COLUMN.key)
        ]
        self.shown = shown
        self.choices = {kind: build() for kind, build in _CHOICES.items()}
        self.centres: dict[str, Centre] = {}  # code (upper case) -> centre, as they are met
        self.allowed_centres: set[int] = set()
        self.subdistricts: dict[str, Subdistrict] = {}
        self._missing: set[str] = set()  # codes of this chunk that name nothing
        self._prepare_models()
        # The keys of this chunk already in the database, and those of this file's rows so far
        # with their row numbers (earlier chunks' in a temporary table: memory stays flat).
        self.existing_ids: set[str] = set()
        self.existing_passports: set[tuple[str, str]] = set()
        self.existing_numbers: set[tuple[str, str]] = set()
        self.seen_ids: dict[str, int] = {}
        self.seen_passports: dict[tuple[str, str], int] = {}
        self.seen_numbers: dict[tuple[str, str], int] = {}
        self._seen_table = False
        self._loaded_seen: set[str] = set()  # this chunk's keys read from that table
        self._sequences: tuple[str, str] | None = None

    def _prepare_models(self) -> None:
        """What check() needs of the models, worked out once per import: each column's slot
        (with its cache of outcomes), the fields' defaults and what cleaning them gives."""
        in_file = {c.model_field for c, _index in self.positions}
        self._plain_fields = {}
        self._defaults = {}
        self._per_row_defaults = []
        self._default_errors = []
        self._copy_fields = {}
        self._copy_templates: dict = {}
        self._clean_memo = {Volunteer: {}, Registration: {}}
        self._day_texts: dict[dt.date, str] = {}
        for model_index, model in enumerate((Volunteer, Registration)):
            fields = [f for f in model._meta.concrete_fields if not f.generated]
            self._copy_fields[model] = [f.name for f in model._meta.concrete_fields]
            self._plain_fields[model] = {
                f.name
                for f in fields
                if type(getattr_static(model, f.attname)) is DeferredAttribute
            }
            template = model()
            defaults = self._defaults[model] = {}
            for position, f in enumerate(fields):
                if f.is_relation:
                    defaults[f.name] = None
                    continue
                defaults[f.name] = template.__dict__[f.attname]
                if f.has_default() and callable(f.default):
                    self._per_row_defaults.append((model, f.name, f))
                if f.name in in_file or f.name in _ALWAYS_EXCLUDED:
                    continue
                # Not in the file: every row has the default, cleaned the same way.
                kind, value = _clean_field(template, f)
                if kind == "error":
                    self._default_errors.append(((model_index, position), f.name, value))
                elif kind == "ok" and not callable(f.default):
                    defaults[f.name] = value
        positions = {}
        for model_index, model in enumerate((Volunteer, Registration)):
            fields = [f for f in model._meta.concrete_fields if not f.generated]
            for i, f in enumerate(fields):
                positions[model, f.name] = (model_index, i)
        self.slots = []
        for column, index in self.positions:
            model = Volunteer if column.key in _VOLUNTEER_KEYS else Registration
            self.slots.append(
                (
                    column,
                    index,
                    {},
                    model,
                    column.model_field,
                    positions[model, column.model_field],
                    column.key in _LABELLED,
                )
            )
        self._label = {
            "first_name": "",
            "last_name": "",
            "national_id": None,
            "passport_number": "",
        }

    def _shown(self, key: str) -> str:
        if not key:
            return ""
        return self.shown.get(key) or header(COLUMN_BY_KEY[key])
