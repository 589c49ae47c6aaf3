from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.apps import apps
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class NavItem(TypedDict):
    url: str
    label: StrOrPromise


class Navigation(TypedDict, total=False):
    nav_items: list[NavItem]
    can_manage_accounts: bool


def navigation(request: HttpRequest) -> Navigation:
    """Menu entries contributed by apps: AppConfig.nav_items = [(url name, label), ...].

    An entry whose URL name does not exist yet is skipped, so apps can be built one at a time.
    """
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        for url_name, label in getattr(config, "nav_items", ()):
            try:
                items.append({"url": reverse(url_name), "label": label})
            except NoReverseMatch:
                continue
    # Accounts are for ministry administrators. The scope is cached on the user: a page that
    # read it already (every scoped page) pays no query for this.
    from centres.account_views import can_manage_accounts

    manage = can_manage_accounts(request.user)
    if manage:
        items.append({"url": reverse("centres:account-list"), "label": _accounts_label()})
    if request.user.is_staff:
        items.append({"url": reverse("admin:index"), "label": _admin_label()})
    return {"nav_items": items, "can_manage_accounts": manage}


def _accounts_label() -> str:
    from django.utils.translation import gettext

    return gettext("Accounts")


def _admin_label() -> str:
    from django.utils.translation import gettext

    return gettext("Administration")
