"""Checking one row: its cells read and cleaned by the models' own fields and clean(), each
outcome kept for the rows that have the same."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models.expressions import DatabaseDefault
from django.utils.translation import gettext_lazy as _

from volunteer_centre.thai import to_arabic_digits
from volunteers.countries import thai_countries
from volunteers.models import BIRTH_DATE_REQUIRED, Registration, Volunteer

from ._common import _remember
from .columns import _COLUMN_BY_FIELD, _NULLABLE, _VOLUNTEER_KEYS, Column, cell_text
from .report import RowReport
from .values import _choice_key, parse_date_cell


def _messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def _clean_field(instance, f) -> tuple[str, object]:
    """One step of Model.clean_fields(), as Django takes it: ("skip", None), ("ok", the cleaned
    value) or ("error", the field's error list)."""
    raw_value = getattr(instance, f.attname)
    if f.blank and raw_value in f.empty_values:
        return "skip", None
    if isinstance(raw_value, DatabaseDefault):
        return "skip", None
    try:
        return "ok", f.clean(raw_value, instance)
    except ValidationError as error:
        return "error", error.error_list


# Checked against the tables read for the chunk, not by their fields' clean().
_ALWAYS_EXCLUDED = frozenset({"volunteer", "centre", "subdistrict"})
# A cell's outcome: read, or refused by the import's own reading (dates, choices, codes).
_PARSED, _PARSE_ERROR = "parsed", "parse_error"
# What Volunteer.clean() and Registration.clean() read of a row (keep these in step with them):
# their outcome is kept for each combination. Those in _READ_AS_TRUTH are only asked whether
# they are given, so the combination has whether they are, not the value (a national ID is
# different on every row).
_VOLUNTEER_READS = (
    "national_id",
    "passport_number",
    "nationality",
    "name_latin",
    "postcode",
    "subdistrict",
)
_REGISTRATION_READS = (
    "programme",
    "registered_on",
    "status",
    "ended_on",
    "suspended_on",
    "suspension_reason",
    "service_starts_on",
    "service_ends_on",
    "other_ministry",
    "visa_expires_on",
)
_REGISTRATION_VOLUNTEER_READS = ("passport_number", "birth_date")
_READ_AS_TRUTH = frozenset(
    {"national_id", "passport_number", "name_latin", "other_ministry", "suspension_reason"}
)


def _clean_value(f, value) -> tuple[str, object]:
    """_clean_field for a field that holds what is set, without an instance to hold it."""
    if f.blank and value in f.empty_values:
        return "skip", None
    try:
        return "ok", f.clean(value, None)
    except ValidationError as error:
        return "error", error.error_list


class _RowChecks:
    """The part of _Importer that checks one row."""

    def _outcome(self, column: Column, cell) -> tuple:
        """What a cell gives, as check() uses it: (PARSED, the value as the file gives it, the
        value the model holds once its field has cleaned it, the field's error list or None),
        or (PARSE_ERROR, None, None, the messages)."""
        try:
            value = self._parse_cell(column, cell)
        except ValidationError as error:
            return _PARSE_ERROR, None, None, _messages(error)
        if value == "" and column.model_field in _NULLABLE:
            value = None
        model = Volunteer if column.key in _VOLUNTEER_KEYS else Registration
        if column.model_field in _ALWAYS_EXCLUDED:
            # Resolved from the preloaded tables: no query per row to check them again.
            return _PARSED, value, value, None
        f = model._meta.get_field(column.model_field)
        if column.model_field in self._plain_fields[model]:
            kind, cleaned = _clean_value(f, value)
        else:  # a descriptor turns what is set into something else (a Country): set it
            kind, cleaned = _clean_field(model(**{column.model_field: value}), f)
        if kind == "ok":
            return _PARSED, value, cleaned, None
        if kind == "error":
            return _PARSED, value, value, cleaned
        return _PARSED, value, value, None

    def _parse_cell(self, column: Column, value):
        text = cell_text(value)
        if column.kind == "date":
            return parse_date_cell(value)
        if column.kind == "choice":
            return self._parse_choice(column, text)
        if column.kind == "country":
            return self._parse_country(text)
        if column.kind == "centre":
            return self._parse_centre(text)
        if column.kind == "subdistrict":
            return self._parse_subdistrict(text)
        return text

    def _parse_choice(self, column: Column, text: str):
        if not text:
            return Registration.Status.ACTIVE if column.key == "status" else ""
        table, shown = self.choices[column.key]
        if _choice_key(text) not in table:
            raise ValidationError(
                _("«%(value)s» is not one of: %(choices)s.")
                % {"value": text, "choices": ", ".join(shown)}
            )
        return table[_choice_key(text)]

    @staticmethod
    def _parse_country(text: str) -> str:
        if not text:
            return ""
        code = thai_countries.find(text)
        if not code:
            raise ValidationError(
                _("No country is called «%(value)s»: write its code, such as JP or MM.")
                % {"value": text}
            )
        return code

    def _parse_centre(self, text: str):
        if not text:
            raise ValidationError(_("Give the code of the centre, such as BKN."))
        centre = self.centres.get(text.upper())
        if centre is None:
            raise ValidationError(_("No centre has the code «%(code)s».") % {"code": text})
        if centre.pk not in self.allowed_centres:
            raise ValidationError(
                _("The centre «%(code)s» is not one of your centres.") % {"code": text}
            )
        return centre

    def _parse_subdistrict(self, text: str):
        if not text:
            return None
        text = to_arabic_digits(text)
        if text not in self.subdistricts:
            raise ValidationError(
                _("No subdistrict has the code «%(code)s» (6 digits, as in DOPA's list).")
                % {"code": text}
            )
        return self.subdistricts[text]

    def _volunteer_clean(self, held: dict) -> tuple[dict | None, str]:
        """Volunteer.clean() on the row's values: its errors (by field) and the postcode it
        leaves. Its outcome is kept for each combination of what it reads (_VOLUNTEER_READS)."""
        key = tuple(bool(held[n]) if n in _READ_AS_TRUTH else held[n] for n in _VOLUNTEER_READS)
        outcome = self._clean_memo[Volunteer].get(key)
        if outcome is None:
            volunteer = Volunteer(**{n: held[n] for n in _VOLUNTEER_READS})
            try:
                volunteer.clean()
            except ValidationError as error:
                outcome = error.error_dict, volunteer.postcode
            else:
                outcome = None, volunteer.postcode
            _remember(self._clean_memo[Volunteer], key, outcome)
        return outcome

    def _registration_clean(self, held: dict, volunteer: dict) -> dict | None:
        """Registration.clean() on the row's values, kept like _volunteer_clean's."""
        key = (
            *(bool(held[n]) if n in _READ_AS_TRUTH else held[n] for n in _REGISTRATION_READS),
            *(
                bool(volunteer[n]) if n in _READ_AS_TRUTH else volunteer[n]
                for n in _REGISTRATION_VOLUNTEER_READS
            ),
        )
        memo = self._clean_memo[Registration]
        if key in memo:
            return memo[key]
        registration = Registration(
            volunteer=Volunteer(**{n: volunteer[n] for n in _REGISTRATION_VOLUNTEER_READS}),
            **{n: held[n] for n in _REGISTRATION_READS},
        )
        try:
            registration.clean()
        except ValidationError as error:
            outcome = error.error_dict
        else:
            outcome = None
        _remember(memo, key, outcome)
        return outcome

    def check(self, row: RowReport) -> tuple[dict, dict, dict[str, list[str]]]:
        """The row's volunteer and registration (their fields' values by name), and its errors
        but duplicates.

        The rules are the models' own, taken as Model.full_clean(exclude=the columns that
        could not be read, validate_unique=False) takes them: each field's clean(), then
        clean(), the volunteer's before the registration's, with the same messages in the same
        order. A cell's outcome is kept per column and value, and clean()'s per combination of
        the values it reads, so that a row costs some dictionary look-ups."""
        cells = row.cells
        count = len(cells)
        volunteer = self._defaults[Volunteer].copy()
        registration = self._defaults[Registration].copy()
        for model, name, f in self._per_row_defaults:
            (volunteer if model is Volunteer else registration)[name] = f.get_default()
        parse_errors = field_errors = None
        label = self._label.copy()
        for column, index, memo, into, name, order, labelled in self.slots:
            cell = cells[index] if index < count else None
            key = cell if type(cell) is str else (type(cell), cell)
            try:
                outcome = memo[key]
            except KeyError:
                outcome = self._outcome(column, cell)
                _remember(memo, key, outcome)
            except TypeError:  # not hashable: never met in a CSV, nor in openpyxl's values
                outcome = self._outcome(column, cell)
            status, parsed, held, errors = outcome
            if status is _PARSE_ERROR:
                if parse_errors is None:
                    parse_errors = {}
                parse_errors[column.key] = errors
                continue
            (volunteer if into is Volunteer else registration)[name] = held
            if labelled:
                label[column.key] = parsed
            if errors is not None:
                if field_errors is None:
                    field_errors = []
                field_errors.append((order, name, errors))
        identity = label["national_id"] or label["passport_number"]
        row.label = " ".join(filter(None, [label["first_name"], label["last_name"], identity]))
        volunteer_errors, volunteer["postcode"] = self._volunteer_clean(volunteer)
        registration_errors = self._registration_clean(registration, volunteer)
        if (
            parse_errors is None
            and field_errors is None
            and volunteer_errors is None
            and registration_errors is None
            and not self._default_errors
        ):
            return volunteer, registration, {}
        return (
            volunteer,
            registration,
            self._errors(
                parse_errors or {},
                [*(field_errors or ()), *self._default_errors],
                volunteer_errors,
                registration_errors,
            ),
        )

    def _errors(self, errors, field_errors, volunteer_errors, registration_errors):
        """A row's messages by column key, in the order full_clean() gives them."""
        field_errors.sort(key=lambda error: error[0])
        for model, clean_errors in (
            (Volunteer, volunteer_errors),
            (Registration, registration_errors),
        ):
            found: dict[str, list] = {}
            for (owner, _position), name, error_list in field_errors:
                if owner == (model is Registration):
                    found.setdefault(name, []).extend(error_list)
            for name, error_list in (clean_errors or {}).items():
                found.setdefault(name, []).extend(error_list)
            for name, messages in found.items():
                column = _COLUMN_BY_FIELD.get((model, name))
                key = column.key if column and name != NON_FIELD_ERRORS else ""
                if "birth_date" in errors:
                    # The birth date is there but wrong: its own message says so.
                    messages = [e for e in messages if e.code != BIRTH_DATE_REQUIRED]
                for error in messages:
                    errors.setdefault(key, []).extend(error.messages)
        return errors
