"""Form pieces for the staff pages: a structured Thai address with cascading selects."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from centres.models import District, Province, Subdistrict


class AddressFieldsMixin:
    """Province → district → subdistrict selects for a model with ThaiAddress fields.

    Only the subdistrict is stored; province and district are form fields that narrow the
    choices. The choices of each select are the children of the value chosen above it (from the
    submitted data, else from the instance), so a page never lists all 7,436 subdistricts and a
    tampered value outside its parent is refused. static/js/address.js refreshes them on change.
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
            _("province"),
            province_code,
            child=f"{p}district",
            options_url="centres:district-options",
            required=required,
        )
        self.fields[f"{p}district"] = self._narrowing_select(
            District.objects.filter(province_id=province_code or None),
            _("district"),
            district_code,
            child=sub_name,
            options_url="centres:subdistrict-options",
            required=required,
        )
        self.fields[sub_name] = forms.ModelChoiceField(
            Subdistrict.objects.filter(district_id=district_code or None),
            required=required,
            label=_("subdistrict"),
            initial=instance_sub,
        )
        # Keep the three selects together, in order, before the rest of the address.
        order = [f"{p}province", f"{p}district", sub_name]
        rest = [name for name in self.fields if name not in order]
        anchor = next((i for i, n in enumerate(rest) if n == f"{p}postcode"), len(rest))
        self.order_fields(rest[:anchor] + order + rest[anchor:])

    def _narrowing_select(self, queryset, label, initial, *, child, options_url, required):
        """A select whose choice refreshes the options of the select ``child`` (address.js)."""
        return forms.ModelChoiceField(
            queryset,
            required=required,
            label=label,
            initial=initial,
            widget=forms.Select(
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
