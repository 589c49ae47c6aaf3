"""The account pages: a ministry administrator makes a login with its staff assignment in one
form, resets passwords and deactivates accounts; a password given by someone else must be
changed before anything else; every user changes their own password."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from centres.account_forms import find_volunteer
from centres.models import Account, StaffAssignment
from centres.roles import staff_assignment_create
from centres.services import account_deactivate, account_reactivate, account_update
from tests import clock
from tests.factories import RegistrationFactory, UserFactory, national_id
from volunteer_centre.identity import format_national_id

pytestmark = pytest.mark.django_db

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
NEW = reverse("centres:account-create")


def be(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def new_account(**changes) -> dict:
    data = {
        "username": "somsri.bkn",
        "first_name": "สมศรี",
        "last_name": "ใจงาม",
        "email": "somsri@example.org",
        "role": "chair",
        "centre": "BKN",
        "province": "",
        "region": "",
        "starts_on": be(clock.today()),
        "volunteer": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def admin_client(client, ministry_admin):
    client.force_login(ministry_admin)
    return client


def created(client, **changes):
    response = client.post(NEW, new_account(**changes))
    assert response.status_code == 302, response.context["form"].errors
    user = User.objects.get(username=changes.get("username", "somsri.bkn"))
    page = client.get(response["Location"])
    return user, page.context["password"]


def errors(response) -> dict:
    return response.context["form"].errors


# -- a new account -------------------------------------------------------------------------------


def test_an_administrator_creates_a_chairs_account_with_its_assignment_in_one_form(
    admin_client, centre_a, ministry_admin
):
    form = admin_client.get(NEW)
    assert form.status_code == 200
    # The centre is typed: no select of every centre.
    assert '<select name="centre"' not in form.content.decode()
    response = admin_client.post(NEW, new_account(centre="bkn"))
    assert response.status_code == 302
    user = User.objects.get(username="somsri.bkn")
    assert (user.first_name, user.email) == ("สมศรี", "somsri@example.org")
    assignment = user.staff_assignments.get()
    assert (assignment.role, assignment.centre, assignment.starts_on) == (
        "chair",
        centre_a,
        clock.today(),
    )
    assert user.is_staff
    assert user.groups.filter(name="role:chair").exists()
    account = Account.objects.get(user=user)
    assert account.must_change_password
    assert account.created_by == ministry_admin
    # The password is shown on the next page, once.
    page = admin_client.get(response["Location"])
    password = page.context["password"]
    assert password
    assert password in page.content.decode()
    assert user.check_password(password)
    again = admin_client.get(response["Location"])
    assert again.context["password"] is None
    assert password not in again.content.decode()


def test_a_centre_is_found_by_a_unique_part_of_its_name(admin_client, centre_a, centre_b):
    user, _password = created(admin_client, centre="เชียงใหม่")
    assert user.staff_assignments.get().centre == centre_b


def test_a_supervisor_account_may_cover_a_region(admin_client, db):
    user, _password = created(admin_client, role="supervisor", centre="", region="N")
    assignment = user.staff_assignments.get()
    assert (assignment.role, assignment.region_id, assignment.centre) == ("supervisor", "N", None)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"centre": "XYZ"}, "centre"),
        ({"centre": "ศูนย์"}, "centre"),  # several centres match: the code is asked for
        ({"centre": ""}, "centre"),
        ({"role": "supervisor", "centre": ""}, "centre"),
        ({"role": "ministry_admin"}, "role"),  # not offered: a tampered form
        ({"role": "root"}, "role"),
        ({"region": "N"}, "region"),  # a chair covers a centre, never a region
        ({"province": "99"}, "province"),
        ({"username": "ชื่อ มีวรรค"}, "username"),
        ({"email": "ไม่ใช่อีเมล"}, "email"),
        ({"starts_on": "31/02/2562"}, "starts_on"),
        ({"volunteer": "1234"}, "volunteer"),
    ],
)
def test_bad_input_is_named_beside_its_field_and_nothing_is_saved(
    admin_client, centre_a, centre_b, changes, field
):
    users, assignments, accounts = (
        User.objects.count(),
        StaffAssignment.objects.count(),
        Account.objects.count(),
    )
    response = admin_client.post(NEW, new_account(**changes))
    assert response.status_code == 400
    assert field in errors(response), errors(response)
    page = response.content.decode()
    assert f'id="field-{field}"' in page
    assert "has-error" in page
    assert (User.objects.count(), StaffAssignment.objects.count(), Account.objects.count()) == (
        users,
        assignments,
        accounts,
    )


def test_a_username_already_taken_in_any_letter_case_is_refused(admin_client, centre_a):
    UserFactory(username="Somsri.BKN")
    response = admin_client.post(NEW, new_account())
    assert response.status_code == 400
    assert "username" in errors(response)
    assert User.objects.filter(username__iexact="somsri.bkn").count() == 1


def test_the_messages_are_thai(admin_client, centre_a):
    response = admin_client.post(NEW, new_account(centre="XYZ"))
    assert "ไม่มีศูนย์" in str(errors(response)["centre"])


# -- the first log-in ------------------------------------------------------------------------------


def test_a_new_account_must_change_its_password_before_any_page(
    admin_client, client_factory, centre_a
):
    user, password = created(admin_client)
    chair = client_factory()
    assert chair.login(username="somsri.bkn", password=password)
    change = reverse("centres:password-change")
    for url in (
        "/",
        "/volunteers/",
        "/cases/",
        "/dashboards/",
        "/admin/",
        "/accounts/manage/",
        "/no-such-page/",
    ):
        response = chair.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == change, url
    assert chair.post("/cases/new/", {}).status_code == 302
    page = chair.get(change)
    assert page.status_code == 200
    assert 'id="must-change"' in page.content.decode()
    # The language switch and the log-out stay in reach.
    switched = chair.post(reverse("set_language"), {"language": "en", "next": change})
    assert switched.status_code == 302
    assert switched["Location"] == change
    response = chair.post(
        change,
        {
            "old_password": password,
            "new_password1": "ขอบฟ้า-2568-ไกล",
            "new_password2": "ขอบฟ้า-2568-ไกล",
        },
    )
    assert response.status_code == 302
    assert chair.get("/").status_code == 200  # still logged in, and free
    assert not Account.objects.get(user=user).must_change_password
    assert chair.post(reverse("logout")).status_code == 302


def test_the_password_change_refuses_a_weak_password_beside_the_field(
    admin_client, client_factory, centre_a
):
    _user, password = created(admin_client)
    chair = client_factory()
    chair.login(username="somsri.bkn", password=password)
    response = chair.post(
        reverse("centres:password-change"),
        {
            "old_password": password,
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    assert chair.get("/").status_code == 302


def test_a_logged_out_user_is_sent_to_log_in_not_to_the_change_page(client, db):
    response = client.get(reverse("centres:password-change"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# -- reset, deactivate --------------------------------------------------------------------------


def test_an_administrator_resets_a_password_which_must_be_changed_again(
    admin_client, client_factory, chair_a
):
    url = reverse("centres:account-password-reset", args=[chair_a.pk])
    assert admin_client.get(url).status_code == 200  # the confirmation
    response = admin_client.post(url)
    assert response.status_code == 302
    password = admin_client.get(response["Location"]).context["password"]
    chair_a.refresh_from_db()
    assert chair_a.check_password(password)
    assert not chair_a.check_password("pw-Test-1234")
    assert Account.objects.get(user=chair_a).must_change_password
    chair = client_factory()
    assert chair.login(username=chair_a.username, password=password)
    assert chair.get("/").status_code == 302


def test_an_administrator_deactivates_an_account_which_keeps_its_history(
    admin_client, client_factory, chair_a, centre_a
):
    assignment = chair_a.staff_assignments.get()
    url = reverse("centres:account-deactivate", args=[chair_a.pk])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url).status_code == 302
    chair_a.refresh_from_db()
    assert not chair_a.is_active
    assert not chair_a.is_staff
    assert not chair_a.groups.filter(name__startswith="role:").exists()
    assignment.refresh_from_db()
    assert assignment.ends_on == clock.today() - dt.timedelta(days=1)  # ended, not deleted
    assert not client_factory().login(username=chair_a.username, password="pw-Test-1234")
    # A deactivated account gets no new role, and no password reset either.
    response = admin_client.post(reverse("centres:account-password-reset", args=[chair_a.pk]))
    assert response.status_code == 302
    assert not Account.objects.filter(user=chair_a).exists()


def test_an_administrator_cannot_deactivate_their_own_account(admin_client, ministry_admin):
    admin_client.post(reverse("centres:account-deactivate", args=[ministry_admin.pk]))
    ministry_admin.refresh_from_db()
    assert ministry_admin.is_active


def test_a_superusers_account_is_not_reset_or_deactivated_by_a_ministry_administrator(
    admin_client, superuser
):
    for name in ("centres:account-password-reset", "centres:account-deactivate"):
        assert admin_client.post(reverse(name, args=[superuser.pk])).status_code == 403
    superuser.refresh_from_db()
    assert superuser.is_active
    assert superuser.check_password("pw-Root-1234")


@pytest.mark.parametrize("who", ["chair_a", "supervisor_north"])
def test_only_ministry_administrators_reach_the_account_pages(client, request, who, chair_b):
    client.force_login(request.getfixturevalue(who))
    for url in (
        reverse("centres:account-list"),
        NEW,
        reverse("centres:account-detail", args=[chair_b.pk]),
    ):
        assert client.get(url).status_code == 403
    for name in ("account-edit", "account-volunteer", "account-reactivate"):
        url = reverse(f"centres:{name}", args=[chair_b.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"first_name": "แก้", "volunteer": ""}).status_code == 403
    chair_b.refresh_from_db()
    assert chair_b.first_name != "แก้"


# -- name and email ----------------------------------------------------------------------------


def edit_url(user) -> str:
    return reverse("centres:account-edit", args=[user.pk])


def test_an_administrator_corrects_an_accounts_name_and_email(admin_client, chair_a):
    detail = admin_client.get(reverse("centres:account-detail", args=[chair_a.pk]))
    assert f'href="{edit_url(chair_a)}"' in detail.content.decode()
    form = admin_client.get(edit_url(chair_a))
    assert form.status_code == 200
    assert form.context["form"]["first_name"].value() == (chair_a.first_name)
    response = admin_client.post(
        edit_url(chair_a),
        {
            "first_name": " วิไลวรรณ ",
            "last_name": "ศรีสุข",
            "email": "wilai@example.org",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("centres:account-detail", args=[chair_a.pk])
    chair_a.refresh_from_db()
    assert (chair_a.first_name, chair_a.last_name, chair_a.email) == (
        "วิไลวรรณ",
        "ศรีสุข",
        "wilai@example.org",
    )
    assert chair_a.check_password("pw-Test-1234")
    assert chair_a.is_active
    page = admin_client.get(response["Location"]).content.decode()
    assert "วิไลวรรณ ศรีสุข" in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"first_name": "", "last_name": "x", "email": ""}, "first_name"),
        ({"first_name": "ก" * 151, "last_name": "", "email": ""}, "first_name"),
        ({"first_name": "สมศรี", "last_name": "", "email": "ไม่ใช่อีเมล"}, "email"),
        ({"first_name": "สมศรี", "last_name": "ข" * 151, "email": ""}, "last_name"),
    ],
)
def test_a_bad_name_or_email_is_named_beside_its_field_and_nothing_is_saved(
    admin_client, chair_a, data, field
):
    before = (chair_a.first_name, chair_a.last_name, chair_a.email)
    response = admin_client.post(edit_url(chair_a), data)
    assert response.status_code == 400
    assert field in errors(response)
    page = response.content.decode()
    assert f'id="field-{field}"' in page
    assert "has-error" in page
    chair_a.refresh_from_db()
    assert (chair_a.first_name, chair_a.last_name, chair_a.email) == before


def test_the_name_service_refuses_anyone_but_a_ministry_administrator(chair_a, chair_b):
    with pytest.raises(PermissionDenied):
        account_update(actor=chair_a, user=chair_b, first_name="แก้")
    chair_b.refresh_from_db()
    assert chair_b.first_name != "แก้"


# -- the volunteer record, on the account page ----------------------------------------------------


def volunteer_url(user) -> str:
    return reverse("centres:account-volunteer", args=[user.pk])


def test_an_administrator_links_an_account_to_a_volunteer_then_changes_and_removes_the_link(
    admin_client, chair_a, centre_a
):
    first = RegistrationFactory(centre=centre_a, number="0012/2562").volunteer
    second = RegistrationFactory(centre=centre_a).volunteer
    detail = reverse("centres:account-detail", args=[chair_a.pk])
    assert f'href="{volunteer_url(chair_a)}"' in admin_client.get(detail).content.decode()
    # By registration number, typed short and in Thai digits.
    response = admin_client.post(volunteer_url(chair_a), {"volunteer": "๑๒/๒๕๖๒"})
    assert response.status_code == 302
    assert response["Location"] == detail
    first.refresh_from_db()
    assert first.user == chair_a
    assert first.display_name in admin_client.get(detail).content.decode()
    # The form starts from the link it has.
    assert admin_client.get(volunteer_url(chair_a)).context["form"]["volunteer"].value() == (
        first.national_id
    )
    # Changed, by national ID typed with dashes: the first record is let go.
    admin_client.post(volunteer_url(chair_a), {"volunteer": format_national_id(second.national_id)})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.user, second.user) == (None, chair_a)
    # Removed: the field left empty.
    assert admin_client.post(volunteer_url(chair_a), {"volunteer": "  "}).status_code == 302
    second.refresh_from_db()
    assert second.user is None
    assert second.pk
    chair_a.refresh_from_db()
    assert not hasattr(chair_a, "volunteer")


def test_a_volunteer_linked_to_another_account_is_refused_beside_the_field_on_the_account_page(
    admin_client, chair_a, chair_b, centre_a
):
    volunteer = RegistrationFactory(centre=centre_a, volunteer__user=chair_b).volunteer
    response = admin_client.post(volunteer_url(chair_a), {"volunteer": volunteer.national_id})
    assert response.status_code == 400
    assert "volunteer" in errors(response)
    assert chair_b.username in str(errors(response)["volunteer"])  # who holds it
    assert 'id="field-volunteer"' in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.user == chair_b


@pytest.mark.parametrize("typed", ["1234", national_id(778), "99/2562", "ก" * 50])
def test_a_volunteer_not_found_is_named_beside_the_field_and_the_link_stays(
    admin_client, chair_a, centre_a, typed
):
    linked = RegistrationFactory(centre=centre_a, volunteer__user=chair_a).volunteer
    response = admin_client.post(volunteer_url(chair_a), {"volunteer": typed})
    assert response.status_code == 400
    assert "volunteer" in errors(response)
    linked.refresh_from_db()
    assert linked.user == chair_a


@pytest.mark.parametrize("page", ["create", "link"])
def test_the_new_account_and_the_account_page_find_a_volunteer_the_same_way(
    admin_client, chair_a, centre_a, page
):
    """One look-up (find_volunteer) behind both forms: a registration number typed short."""
    volunteer = RegistrationFactory(centre=centre_a, number="0042/2562").volunteer
    if page == "create":
        user, _password = created(admin_client, volunteer="42/2562")
    else:
        user = chair_a
        assert admin_client.post(volunteer_url(chair_a), {"volunteer": "42/2562"}).status_code == (
            302
        )
    volunteer.refresh_from_db()
    assert volunteer.user == user


# -- reactivation ---------------------------------------------------------------------------


def reactivate_url(user) -> str:
    return reverse("centres:account-reactivate", args=[user.pk])


def test_an_administrator_reactivates_an_account_which_gets_a_new_password_and_no_role(
    admin_client, client_factory, ministry_admin, chair_a
):
    account_deactivate(actor=ministry_admin, user=chair_a)
    detail = reverse("centres:account-detail", args=[chair_a.pk])
    page = admin_client.get(detail).content.decode()
    assert f'href="{reactivate_url(chair_a)}"' in page
    assert 'id="reset-password"' not in page
    assert admin_client.get(reactivate_url(chair_a)).status_code == 200  # the confirmation
    response = admin_client.post(reactivate_url(chair_a))
    assert response.status_code == 302
    shown = admin_client.get(response["Location"])
    password = shown.context["password"]
    assert password
    assert password in shown.content.decode()
    # The page says the account has no role yet, and where to give one.
    assert 'id="no-assignment"' in shown.content.decode()
    add = reverse("admin:centres_staffassignment_add") + f"?user={chair_a.pk}"
    assert f'href="{add}"' in shown.content.decode()
    assert admin_client.get(response["Location"]).context["password"] is None  # shown once
    chair_a.refresh_from_db()
    assert chair_a.is_active
    assert chair_a.check_password(password)
    assert not chair_a.check_password("pw-Test-1234")
    assert Account.objects.get(user=chair_a).must_change_password
    # No assignment came back: the ended one stays ended, and no role group is given.
    assert not chair_a.staff_assignments.filter(ends_on__isnull=True).exists()
    assert not chair_a.is_staff
    assert not chair_a.groups.filter(name__startswith="role:").exists()
    assert 'id="no-assignment"' in admin_client.get(detail).content.decode()
    # The person logs in again, and is sent to choose their own password first.
    chair = client_factory()
    assert chair.login(username=chair_a.username, password=password)
    assert chair.get("/").status_code == 302


def test_an_active_account_is_not_reactivated(admin_client, chair_a):
    response = admin_client.post(reactivate_url(chair_a), follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["บัญชีนี้ยังใช้งานอยู่"]
    chair_a.refresh_from_db()
    assert chair_a.check_password("pw-Test-1234")
    assert not Account.objects.filter(user=chair_a, must_change_password=True).exists()


def test_the_reactivation_service_refuses_anyone_but_a_ministry_administrator(
    ministry_admin, chair_a, chair_b
):
    account_deactivate(actor=ministry_admin, user=chair_b)
    with pytest.raises(PermissionDenied):
        account_reactivate(actor=chair_a, user=chair_b)
    chair_b.refresh_from_db()
    assert not chair_b.is_active


# -- a superuser's account -------------------------------------------------------------------


def test_a_superusers_account_is_not_edited_linked_or_reactivated_by_a_ministry_administrator(
    admin_client, client_factory, superuser, centre_a
):
    volunteer = RegistrationFactory(centre=centre_a).volunteer
    page = admin_client.get(reverse("centres:account-detail", args=[superuser.pk]))
    assert 'id="edit-account"' not in page.content.decode()
    forms = [
        (edit_url(superuser), {"first_name": "แก้"}),
        (volunteer_url(superuser), {"volunteer": volunteer.national_id}),
    ]
    for url, data in forms:
        refused = admin_client.get(url)
        assert refused.status_code == 403
        assert "เฉพาะผู้ดูแลระบบสูงสุด" in refused.content.decode()  # the reason, in Thai
        assert admin_client.post(url, data).status_code == 403
    superuser.is_active = False
    superuser.save()
    assert admin_client.post(reactivate_url(superuser)).status_code == 403
    superuser.refresh_from_db()
    volunteer.refresh_from_db()
    assert (superuser.first_name, superuser.is_active, volunteer.user) == ("", False, None)
    # Another superuser may.
    from django.contrib.auth.models import User as UserModel

    other = UserModel.objects.create_superuser("root2", "root2@example.org", "pw-Root-5678")
    root = client_factory()
    root.force_login(other)
    assert root.post(edit_url(superuser), {"first_name": "ผู้ดูแล"}).status_code == 302
    assert root.post(reactivate_url(superuser)).status_code == 302
    superuser.refresh_from_db()
    assert (superuser.first_name, superuser.is_active) == ("ผู้ดูแล", True)


# -- one's own password ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["chair_a", "supervisor_north", "ministry_admin", "chair_also_supervising"]
)
def test_any_user_changes_their_own_password_from_the_menu(client, request, who):
    if who == "chair_also_supervising":
        from tests.factories import also_supervising_the_north

        user = also_supervising_the_north(request.getfixturevalue("chair_a"))
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    home = client.get(reverse("volunteers:volunteer-list")).content.decode()
    assert f'href="{reverse("centres:password-change")}"' in home
    page = client.get(reverse("centres:password-change"))
    assert page.status_code == 200
    assert 'class="site"' in page.content.decode()
    response = client.post(
        reverse("centres:password-change"),
        {
            "old_password": "pw-Test-1234",
            "new_password1": "ขอบฟ้า-2568-ไกล",
            "new_password2": "ขอบฟ้า-2568-ไกล",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("ขอบฟ้า-2568-ไกล")
    assert client.get(response["Location"]).status_code == 200


def test_a_wrong_old_password_changes_nothing(client, chair_a):
    client.force_login(chair_a)
    response = client.post(
        reverse("centres:password-change"),
        {
            "old_password": "wrong",
            "new_password1": "ขอบฟ้า-2568-ไกล",
            "new_password2": "ขอบฟ้า-2568-ไกล",
        },
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    chair_a.refresh_from_db()
    assert chair_a.check_password("pw-Test-1234")


# -- the volunteer record -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        lambda v, n: format_national_id(v.national_id),
        lambda v, n: v.national_id.translate(THAI_DIGITS),
        lambda v, n: n.lstrip("0"),
    ],
)
def test_an_account_is_linked_to_the_persons_volunteer_record(
    admin_client, centre_a, typed, client_factory
):
    registration = RegistrationFactory(centre=centre_a, volunteer__first_name="ประธานอาสา")
    volunteer = registration.volunteer
    user, _password = created(admin_client, volunteer=typed(volunteer, registration.number))
    volunteer.refresh_from_db()
    assert volunteer.user == user
    page = admin_client.get(reverse("volunteers:volunteer-detail", args=[volunteer.pk]))
    assert "somsri.bkn" in page.content.decode()
    detail = admin_client.get(reverse("centres:account-detail", args=[user.pk])).content.decode()
    assert "ประธานอาสา" in detail


def test_a_volunteer_already_linked_to_an_account_is_refused_beside_the_field(
    admin_client, centre_a
):
    volunteer = RegistrationFactory(centre=centre_a).volunteer
    created(admin_client, volunteer=volunteer.national_id)
    data = new_account(username="other", volunteer=volunteer.national_id)
    response = admin_client.post(NEW, data)
    assert response.status_code == 400
    assert "volunteer" in errors(response)
    assert not User.objects.filter(username="other").exists()


def test_the_volunteer_is_looked_up_within_the_scope_of_who_looks(chair_a, chair_b, centre_a):
    volunteer = RegistrationFactory(centre=centre_a, number="0042/2562").volunteer
    assert find_volunteer(chair_a, volunteer.national_id) == volunteer
    assert find_volunteer(chair_a, "42/2562") == volunteer
    for typed in (volunteer.national_id, "42/2562"):
        with pytest.raises(ValidationError) as error:
            find_volunteer(chair_b, typed)
        assert error.value.code == "no_volunteer"


def test_an_unknown_national_id_is_named_beside_the_field(admin_client, centre_a):
    response = admin_client.post(NEW, new_account(volunteer=national_id(777)))
    assert response.status_code == 400
    assert "volunteer" in errors(response)


# -- the list ----------------------------------------------------------------------------------


def test_the_account_list_searches_by_name_and_centre_code(
    admin_client, chair_a, chair_b, centre_b
):
    chair_b.first_name = "วิไล"
    chair_b.save()
    listed = admin_client.get(reverse("centres:account-list"), {"q": "วิไล"}).context["accounts"]
    assert list(listed) == [chair_b]
    by_code = admin_client.get(reverse("centres:account-list"), {"q": "cmi"}).context["accounts"]
    assert list(by_code) == [chair_b]


def test_the_account_list_is_paginated_and_its_queries_do_not_grow(
    admin_client, ministry_admin, centre_a, django_assert_max_num_queries
):
    def add(n, start):
        for i in range(start, start + n):
            user = UserFactory(username=f"staff{i:03d}")
            staff_assignment_create(actor=ministry_admin, user=user, role="staff", centre=centre_a)

    add(3, 0)
    url = reverse("centres:account-list")
    with django_assert_max_num_queries(12) as few:
        admin_client.get(url)
    add(40, 3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = admin_client.get(url)
    assert len(page.context["accounts"]) == 25
    assert page.context["paginator"].count == 44


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client
