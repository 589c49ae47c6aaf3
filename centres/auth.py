"""Log-in pieces: the user's roles are brought up to date as they log in, the user is loaded with
their account row, and a user whose password was set by an administrator is sent to choose
their own before anything else."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from centres.roles import roles_sync


class AccountBackend(ModelBackend):
    """Django's backend, syncing the user's role groups when they log in, and loading
    ``user.account`` in the same query as the user, so that the password-change check below
    costs no query on any page."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            # Assignments start and end with the calendar, and manage.py sync_roles runs once
            # a day: an assignment that began or ended since then takes effect in the admin's
            # menus at this log-in. Only here, so that no other request pays for it.
            roles_sync(user)
        return user

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("account").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def must_change_password(user) -> bool:
    account = getattr(user, "account", None)
    return bool(account and account.must_change_password)


# What a user who must change their password still reaches: the change page itself, logging
# out, the language switch (the page is in Thai first) and the load balancer's probe.
REACHABLE = {
    "centres:password-change",
    "centres:password-change-done",
    "logout",
    "admin:logout",
    "login",
    "set_language",
    "healthz",
}


class PasswordChangeRequiredMiddleware:
    """Every page of a user flagged ``must_change_password`` redirects to the change page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and must_change_password(user):
            try:
                name = resolve(request.path_info).view_name
            except Resolver404:
                name = None
            if name not in REACHABLE:
                return redirect("centres:password-change")
        return self.get_response(request)
