"""Form pieces for the staff pages: a structured Thai address with cascading selects, and the
choice of a centre (a select while the user works for few, typed beyond)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.renderers import DjangoTemplates
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from centres.models import Centre, District, Province, Subdistrict
from volunteer_centre.forms import MAX_CHOICES
from volunteer_centre.thai import to_arabic_digits


def find_centre_among(centres, text: str) -> Centre:
    """The centre of ``centres`` that ``text`` names: its code (BKN), or a part of its name
    that only one of them has. Raises ValidationError naming a few candidates."""
    text = " ".join(to_arabic_digits(text or "").split())[:200]
    by_code = centres.filter(code__iexact=text).first()
    if by_code is not None:
        return by_code
    matches = list(
        centres.filter(Q(name_th__contains=text) | Q(name_en__icontains=text)).order_by("code")[:6]
    )
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ValidationError(
            _("No centre has the code or name “%(text)s”. Type its code, such as BKN."),
            code="no_centre",
            params={"text": text},
        )
    raise ValidationError(
        _("Several centres match: %(choices)s. Type the code of one."),
        code="several_centres",
        params={"choices": ", ".join(f"{c.code} ({c.name_th})" for c in matches[:5])},
    )


class CentreCodeField(forms.CharField):
    """One of ``centres``, typed by its code or a part of its name: for a user who works for
    more centres than a list should hold (a ministry administrator works for all of them)."""

    def __init__(self, centres, **kwargs):
        kwargs.setdefault("help_text", _("The centre's code (BKN) or a part of its name."))
        super().__init__(max_length=200, **kwargs)
        self.centres = centres
        self.widget.attrs.update(autocapitalize="characters", autocomplete="off")

    def prepare_value(self, value):
        return value.code if isinstance(value, Centre) else value

    def clean(self, value):
        text = super().clean(value)
        return find_centre_among(self.centres, text) if text else None


def offer_centres(form: forms.BaseForm, name: str, centres, *, hide_single: bool = False):
    """Make ``form``'s centre field ``name`` choose among ``centres``: preselected when there is
    one (hidden with ``hide_single``), a select while they are few, typed (CentreCodeField)
    beyond MAX_CHOICES. One query: the select's own is not made when the field is typed."""
    few = list(centres[: MAX_CHOICES + 1])
    field = form.fields[name]
    if len(few) > MAX_CHOICES:
        form.fields[name] = CentreCodeField(centres, label=field.label, required=field.required)
        return
    field.queryset = centres
    if len(few) == 1:
        field.initial = few[0]
        if hide_single:
            field.widget = forms.HiddenInput()


def _attrs_html(attrs: dict) -> str:
    """HTML attributes as django/forms/widgets/attrs.html writes them."""
    return mark_safe(  # noqa: S308 - every part built by format_html
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


def _select_html(widget: dict) -> str:
    """A select's HTML from its widget context, as django/forms/widgets/select.html writes it."""
    out = [format_html('<select name="{}"{}>', widget["name"], _attrs_html(widget["attrs"]))]
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in group_choices:
            html = '\n  <option value="{}"{}>{}</option>\n'
            out.append(
                format_html(
                    html, str(option["value"]), _attrs_html(option["attrs"]), option["label"]
                )
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return mark_safe("".join(out))  # noqa: S308 - every part built by format_html


# The templates that only include django/forms/widgets/input.html.
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{kind}.html"
    for kind in (
        "input",
        "text",
        "number",
        "hidden",
        "email",
        "url",
        "password",
        "date",
        "time",
        "datetime",
    )
)
_SELECT_OPTION = "django/forms/widgets/select_option.html"
_ERROR_LISTS = frozenset(
    ("django/forms/errors/list/ul.html", "django/forms/errors/list/default.html")
)


class QuickRenderer(DjangoTemplates):
    """Django's form renderer, writing the plain inputs and selects in Python, exactly as
    their templates do: a widget's template costs about 0.3 ms (its attributes are a loop of
    the template language), and a case's admin page, with its inlines' rows and blank rows,
    renders some seventy hidden and typed inputs. Every other template is rendered as
    Django's renderer renders it; an empty list of errors is nothing, as its template
    writes it."""

    def render(self, template_name, context, request=None):
        if template_name in _ERROR_LISTS and isinstance(context, dict) and not context["errors"]:
            # Each field of each inline row asks for its (empty) list of errors.
            return ""
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and len(context) == 1:
            if template_name in _INPUT_TEMPLATES:
                value = widget["value"]
                shown = "" if value is None else format_html(' value="{}"', str(value))
                return format_html(
                    '<input type="{}" name="{}"{}{}>',
                    widget["type"],
                    widget["name"],
                    shown,
                    _attrs_html(widget["attrs"]),
                )
            if template_name == "django/forms/widgets/select.html" and all(
                option["template_name"] == _SELECT_OPTION
                for _name, options, _index in widget["optgroups"]
                for option in options
            ):
                return _select_html(widget)
        return super().render(template_name, context, request)


QUICK_RENDERER = QuickRenderer()


class QuickSelect(forms.Select):
    """A select written in Python, exactly as Django's select templates write it: a template
    an option costs about 0.2 ms, and a person's form lists the 77 provinces twice."""

    def render(self, name, value, attrs=None, renderer=None):
        return _select_html(self.get_context(name, value, attrs)["widget"])


class _ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices of a ListedModelChoiceField, from its list."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.rows():
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.rows()) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.rows())


class ListedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose options come from one plain query, kept in ``shared`` under
    ``key`` so that the fields of a form listing the same places read them once (a person's
    two addresses share their provinces). The plain ModelChoiceField reads its options through
    a server-side cursor, three round trips for a short list, at each render. The choice
    submitted is still checked against the queryset."""

    iterator = _ListedChoiceIterator

    def __init__(self, queryset, *, shared: dict, key: tuple, **kwargs):
        super().__init__(queryset, **kwargs)
        self.shared, self.key = shared, key

    def rows(self) -> list:
        if self.key not in self.shared:
            none = self.queryset.query.is_empty()
            self.shared[self.key] = [] if none else list(self.queryset)
        return self.shared[self.key]


class AddressFieldsMixin:
    """Province → district → subdistrict selects for a model with ThaiAddress fields.

    Only the subdistrict is stored; province and district are form fields that narrow the
    choices. The choices of each select are the children of the value chosen above it (from the
    submitted data, else from the instance), so a page never lists all 7,436 subdistricts and a
    tampered value outside its parent is refused. static/js/address.js refreshes them on change.
    A select with no parent chosen lists nothing without asking the database, and the lists
    are read once a form (a person's two addresses share theirs).
    """

    def add_address_fields(self, prefix: str = "", *, required: bool = False) -> None:
        """Add the selects for the address whose fields start with ``prefix`` ("" for the
        ThaiAddress fields, "current_" for a second address on the same model)."""
        p = prefix
        sub_name = f"{p}subdistrict"
        instance_sub = getattr(self.instance, f"{sub_name}_id", None) if self.instance else None
        province_code = self._bound_or(f"{p}province")
        district_code = self._bound_or(f"{p}district")
        if instance_sub and not self.is_bound:
            province_code, district_code = instance_sub[:2], instance_sub[:4]
        self.fields[f"{p}province"] = self._narrowing_select(
            Province.objects.all(),
            ("province",),
            _("province"),
            province_code,
            child=f"{p}district",
            options_url="centres:district-options",
            required=required,
        )
        self.fields[f"{p}district"] = self._narrowing_select(
            self._places(District, province_id=province_code),
            ("district", province_code),
            _("district"),
            district_code,
            child=sub_name,
            options_url="centres:subdistrict-options",
            required=required,
        )
        self.fields[sub_name] = ListedModelChoiceField(
            self._places(Subdistrict, district_id=district_code),
            shared=self._address_rows(),
            key=("subdistrict", district_code),
            required=required,
            label=_("subdistrict"),
            initial=instance_sub,
            widget=QuickSelect,
        )
        # Keep the three selects together, in order, before the rest of the address.
        order = [f"{p}province", f"{p}district", sub_name]
        rest = [name for name in self.fields if name not in order]
        anchor = next((i for i, n in enumerate(rest) if n == f"{p}postcode"), len(rest))
        self.order_fields(rest[:anchor] + order + rest[anchor:])

    @staticmethod
    def _places(model, **parent):
        """The places under ``parent`` (none, without a query, when no parent is chosen)."""
        if next(iter(parent.values())) in (None, ""):
            return model.objects.none()
        return model.objects.filter(**parent)

    def _address_rows(self) -> dict:
        """The places this form's selects listed, read once for both addresses."""
        return self.__dict__.setdefault("_vc_address_rows", {})

    def _narrowing_select(self, queryset, key, label, initial, *, child, options_url, required):
        """A select whose choice refreshes the options of the select ``child`` (address.js)."""
        return ListedModelChoiceField(
            queryset,
            shared=self._address_rows(),
            key=key,
            required=required,
            label=label,
            initial=initial,
            widget=QuickSelect(
                attrs={
                    "data-geo-child": f"id_{self.add_prefix(child)}",
                    "data-geo-url": reverse(options_url, args=["CODE"]),
                }
            ),
        )

    def _bound_or(self, name: str):
        if self.is_bound:
            return self.data.get(self.add_prefix(name)) or None
        return None

    def clean_address(self, prefix: str = "") -> None:
        """Call from clean(): store the chosen subdistrict on the instance and fill the postcode
        from it when it was left blank."""
        p = prefix
        sub = self.cleaned_data.get(f"{p}subdistrict")
        district = self.cleaned_data.get(f"{p}district")
        if sub and district and sub.district_id != district.pk:
            self.add_error(f"{p}subdistrict", _("This subdistrict is not in the chosen district."))
            return
        # The selects are not model form fields, so the instance gets its subdistrict here.
        setattr(self.instance, f"{p}subdistrict", sub)
        if sub and f"{p}postcode" in self.fields and not self.cleaned_data.get(f"{p}postcode"):
            self.cleaned_data[f"{p}postcode"] = sub.postcode
            if hasattr(self.instance, f"{p}postcode"):
                setattr(self.instance, f"{p}postcode", sub.postcode)
