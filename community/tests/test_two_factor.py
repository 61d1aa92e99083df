"""Two-factor sign-in, from the attacker's side: someone who knows a staff member's
password (or can open their sign-in link) but not their phone gets nothing."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from community import tokens
from community.models import AuditLog, Role
from community.tests.factories import UserFactory
from community.two_factor import two_factor_enable, two_factor_setup_start

PASSWORD = "correct-horse-battery"  # noqa: S105 — the factories' password


@pytest.fixture(autouse=True)
def _admins_must_use_two_factor(settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["admin"]


def _code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def _with_app(user) -> tuple[TOTPDevice, list[str]]:
    device = two_factor_setup_start(user=user)
    codes = two_factor_enable(user=user, code=_code(device))
    device.refresh_from_db()
    return device, codes


def _password_step(client, user, next_url=""):
    return client.post(
        f"/en/account/login/{'?next=' + next_url if next_url else ''}",
        {"username": user.email, "password": PASSWORD},
    )


def test_password_alone_signs_nobody_in_who_has_an_app(client, organizer):
    _with_app(organizer)

    response = _password_step(client, organizer)

    assert response.status_code == 302
    assert response["Location"] == "/en/account/two-factor/verify/"
    assert "_auth_user_id" not in client.session
    assert client.get("/en/account/profile/").status_code == 302
    assert client.get("/admin/").status_code == 302
    assert client.get("/api/auth/me").status_code == 401


def test_code_step_signs_in_and_opens_admin(client, organizer):
    device, _codes = _with_app(organizer)
    _password_step(client, organizer, next_url="/admin/")

    response = client.post(
        "/en/account/two-factor/verify/", {"code": _code(device, steps_ahead=1)}
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_wrong_code_is_refused_and_throttled(client, organizer):
    device, _codes = _with_app(organizer)
    _password_step(client, organizer)

    wrong = client.post("/en/account/two-factor/verify/", {"code": "000000"})
    right_too_soon = client.post(
        "/en/account/two-factor/verify/", {"code": _code(device, steps_ahead=1)}
    )

    assert wrong.status_code == 400
    assert right_too_soon.status_code == 400
    assert "Too many wrong codes" in right_too_soon.content.decode()
    assert "_auth_user_id" not in client.session


def test_pending_sign_in_ends_after_five_wrong_codes(client, organizer):
    device, _codes = _with_app(organizer)
    _password_step(client, organizer)
    for _ in range(5):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
        client.post("/en/account/two-factor/verify/", {"code": "000000"})
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)

    response = client.post(
        "/en/account/two-factor/verify/", {"code": _code(device, steps_ahead=1)}
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/en/account/login/")
    assert "_auth_user_id" not in client.session


def test_used_code_cannot_be_replayed(client, organizer):
    device, _codes = _with_app(organizer)
    code = _code(device, steps_ahead=1)
    _password_step(client, organizer)
    client.post("/en/account/two-factor/verify/", {"code": code})
    client.post("/en/account/logout/")

    _password_step(client, organizer)
    replay = client.post("/en/account/two-factor/verify/", {"code": code})

    assert replay.status_code == 400
    assert "_auth_user_id" not in client.session


def test_recovery_code_works_once_and_is_audited(client, organizer):
    _device, codes = _with_app(organizer)
    _password_step(client, organizer)
    first = client.post("/en/account/two-factor/verify/", {"code": codes[0].upper()})
    client.post("/en/account/logout/")
    _password_step(client, organizer)
    again = client.post("/en/account/two-factor/verify/", {"code": codes[0]})

    assert first.status_code == 302
    assert again.status_code == 400
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=organizer).count() == 9
    assert AuditLog.objects.filter(
        action="two_factor.recovery_code_used", target_id=str(organizer.pk)
    ).exists()


def test_sign_in_link_also_asks_for_the_code(client, volunteer):
    _with_app(volunteer)
    volunteer.refresh_from_db()
    token = tokens.make_token(user=volunteer, purpose="login")

    response = client.post(f"/en/account/login/link/{token}/")

    assert response["Location"] == "/en/account/two-factor/verify/"
    assert "_auth_user_id" not in client.session
    assert client.get("/en/door/").status_code in (302, 404)


def test_admin_login_form_does_not_open_admin_without_the_code(client, admin_user):
    _with_app(admin_user)

    client.post("/admin/login/", {"username": admin_user.email, "password": PASSWORD})
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/en/account/two-factor/verify/"
    assert "_auth_user_id" not in client.session


def test_forced_session_of_a_user_with_an_app_is_held_back(client, organizer):
    _with_app(organizer)
    client.force_login(organizer)

    assert client.get("/admin/community/user/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_api_refuses_tokens_without_the_code(api_client, organizer):
    device, _codes = _with_app(organizer)
    body = {"email": organizer.email, "password": PASSWORD}

    missing = api_client.post("/api/auth/login", body, format="json")
    wrong = api_client.post("/api/auth/login", {**body, "otp": "123456"}, format="json")

    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "otp_required"
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "otp_invalid"
    assert "access" not in missing.json() and "access" not in wrong.json()


def test_api_gives_tokens_with_the_code(api_client, organizer):
    device, _codes = _with_app(organizer)
    response = api_client.post(
        "/api/auth/login",
        {"email": organizer.email, "password": PASSWORD, "otp": _code(device, 1)},
        format="json",
    )

    assert response.status_code == 200
    assert "access" in response.json()


def test_api_refuses_an_admin_without_an_app(api_client, admin_user):
    response = api_client.post(
        "/api/auth/login",
        {"email": admin_user.email, "password": PASSWORD},
        format="json",
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "two_factor_setup_required"


def test_admin_without_an_app_is_sent_to_set_one_up(client, admin_user):
    client.force_login(admin_user)

    admin_page = client.get("/admin/")
    staff_api = client.get("/api/users")
    setup = client.get("/en/account/two-factor/setup/")

    assert admin_page.status_code == 302
    assert admin_page["Location"] == "/en/account/two-factor/setup/"
    assert staff_api.status_code in (401, 403)
    assert setup.status_code == 200
    assert "<svg" in setup.content.decode()


def test_setting_up_an_app_opens_admin_and_ends_other_sessions(client, admin_user):
    other = type(client)()
    other.force_login(admin_user)
    client.force_login(admin_user)
    device = two_factor_setup_start(user=admin_user)

    response = client.post("/en/account/two-factor/setup/", {"code": _code(device)})

    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    assert client.get("/admin/").status_code == 200
    assert other.get("/en/account/profile/").status_code == 302
    assert AuditLog.objects.filter(action="two_factor.enabled").exists()


def test_members_are_never_asked(client, member):
    response = _password_step(client, member)

    assert response.status_code == 302
    assert "two-factor" not in response["Location"]
    assert client.get("/en/account/two-factor/").status_code == 404
    assert "two-factor" not in client.get("/en/account/profile/").content.decode()


def test_organizer_cannot_reset_anyones_two_factor(client, organizer, volunteer):
    _with_app(volunteer)
    client.force_login(organizer)

    client.post(
        "/admin/community/user/",
        {"action": "reset_two_factor", "_selected_action": [str(volunteer.pk)]},
    )

    assert TOTPDevice.objects.filter(user=volunteer, confirmed=True).exists()
    assert not AuditLog.objects.filter(action="two_factor.reset").exists()


def test_admin_resets_another_staff_members_two_factor_audited_and_emailed(
    client, organizer, django_capture_on_commit_callbacks
):
    admin = UserFactory(role=Role.ADMIN)
    admin_device, _codes = _with_app(admin)
    _with_app(organizer)
    _password_step(client, admin)
    client.post("/en/account/two-factor/verify/", {"code": _code(admin_device, 1)})
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/community/user/",
            {"action": "reset_two_factor", "_selected_action": [str(organizer.pk)]},
        )

    assert not TOTPDevice.objects.filter(user=organizer).exists()
    entry = AuditLog.objects.get(action="two_factor.reset")
    assert entry.actor == admin
    assert entry.target_id == str(organizer.pk)
    assert [m.to for m in mail.outbox] == [[organizer.email]]


def test_admin_cannot_reset_their_own_two_factor(client, db):
    admin = UserFactory(role=Role.ADMIN)
    device, _codes = _with_app(admin)
    _password_step(client, admin)
    client.post("/en/account/two-factor/verify/", {"code": _code(device, 1)})

    client.post(
        "/admin/community/user/",
        {"action": "reset_two_factor", "_selected_action": [str(admin.pk)]},
    )

    assert TOTPDevice.objects.filter(user=admin, confirmed=True).exists()


def test_removing_the_app_needs_the_password_or_a_code(client, organizer):
    device, _codes = _with_app(organizer)
    _password_step(client, organizer)
    client.post("/en/account/two-factor/verify/", {"code": _code(device, 1)})

    refused = client.post("/en/account/two-factor/remove/", {"secret": "guess"})
    removed = client.post("/en/account/two-factor/remove/", {"secret": PASSWORD})

    assert refused.status_code == 400
    assert removed.status_code == 302
    assert not TOTPDevice.objects.filter(user=organizer).exists()
    assert AuditLog.objects.filter(action="two_factor.disabled").exists()


def test_pending_sign_in_expires(client, organizer):
    device, _codes = _with_app(organizer)
    _password_step(client, organizer)
    session = client.session
    pending = session["two_factor_pending"]
    pending["since"] = (timezone.now() - timedelta(minutes=10)).timestamp()
    session["two_factor_pending"] = pending
    session.save()

    response = client.post("/en/account/two-factor/verify/", {"code": _code(device, 1)})

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
