"""Account pages: sign-up, sign-in links, verification, profile, email
change, data download and account deletion. Thin: forms validate, services act."""

import json
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community import forms, privacy, services, tokens
from community.audit import audit_record
from community.languages import user_set_languages
from community.ratelimit import rate_limit_exceeded, rate_limited_response
from community.two_factor import two_factor_required_step
from spanglish.errors import ConflictError

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"
LINK_SIGN_IN_SESSION_KEY = "community_link_sign_in_at"


def _email_sent(request, email: str):
    # One page for every outcome, so it tells nobody whether the address has an account.
    return render(request, "community/email_sent.html", {"email": email})


def signup(request):
    if request.user.is_authenticated:
        return redirect("community:profile")
    form = forms.SignupForm(request.POST or None)
    if request.method == "POST":
        if rate_limit_exceeded(request=request, scope="signup"):
            return rate_limited_response(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.user_signup(
                    email=data["email"],
                    password=data["password"],
                    name=data["name"],
                    language=translation.get_language(),
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                if user is not None and data["marketing_consent"]:
                    services.user_set_marketing_consent(
                        user=user, consent=True, source="signup"
                    )
                return _email_sent(request, data["email"])
    return render(request, "community/signup.html", {"form": form})


def login_link_request(request):
    form = forms.EmailForm(request.POST or None)
    if request.method == "POST":
        if rate_limit_exceeded(request=request, scope="login_link"):
            return rate_limited_response(request)
        if form.is_valid():
            services.user_send_login_link(
                email=form.cleaned_data["email"],
                language=translation.get_language(),
            )
            return _email_sent(request, form.cleaned_data["email"])
    return render(request, "community/login_link_request.html", {"form": form})


def login_link(request, token):
    """GET shows a button, POST signs in: mail scanners that open links must not
    spend a single-use link."""
    found = tokens.read_token(
        token=token, purpose="login", max_age=tokens.login_link_max_age()
    )
    if found is None:
        return render(request, "community/link_invalid.html", status=400)
    user, _payload = found
    if request.method == "POST":
        # Opening a link sent to the address proves it is theirs; a password set
        # while it was unproven is someone else's guess and goes (with its sessions).
        user = services.user_claim_address(user=user, email=user.email)
        # Staff with an authenticator app give its code before they are signed in.
        code_step = two_factor_required_step(
            request=request,
            user=user,
            backend=LOGIN_BACKEND,
            next_url=reverse_lazy("community:profile"),
        )
        if code_step is not None:
            return code_step
        _login_by_link(request, user)  # updates last_login: the link dies
        return redirect("community:profile")
    return render(request, "community/login_link_confirm.html", {"account": user})


def _login_by_link(request, user) -> None:
    login(request, user, backend=LOGIN_BACKEND)
    request.session[LINK_SIGN_IN_SESSION_KEY] = time.time()


def _two_factor_step(request, user, next_name: str):
    # Staff with an authenticator app give its code before they are signed in.
    return two_factor_required_step(
        request=request,
        user=user,
        backend=LOGIN_BACKEND,
        next_url=reverse_lazy(next_name),
    )


def recently_signed_in_by_link(request) -> bool:
    """Members without a password prove it is them, before changing their address
    or password or deleting the account, by having signed in with an emailed link
    in the last FRESH_SIGN_IN_MINUTES."""
    signed_in_at = request.session.get(LINK_SIGN_IN_SESSION_KEY)
    return (
        isinstance(signed_in_at, int | float)
        and time.time() - signed_in_at < settings.FRESH_SIGN_IN_MINUTES * 60
    )


def _reauthenticated(request) -> bool:
    # Members with a password type it into the form (forms.ReauthForm).
    return request.user.has_usable_password() or recently_signed_in_by_link(request)


def _reauth_needed(request):
    status = 403 if request.method == "POST" else 200
    return render(
        request,
        "community/reauth_needed.html",
        {"minutes": settings.FRESH_SIGN_IN_MINUTES},
        status=status,
    )


def verify_email(request, token):
    """GET shows a page; the registrant types the password they chose (kept, and
    signed in), or says they do not know it (dropped: whoever registered this
    address may not have been its owner). Opening the link alone changes nothing."""
    found = tokens.read_token(
        token=token, purpose="verify", max_age=tokens.VERIFY_MAX_AGE
    )
    if found is None:
        return render(request, "community/link_invalid.html", status=400)
    user, _payload = found
    if user.email_verified_at is not None:
        # Used once already: it never signs anyone in again.
        messages.success(request, _("Your email address is already confirmed."))
        return redirect(
            "community:profile" if request.user.is_authenticated else "community:login"
        )
    has_password = user.has_usable_password()
    form = forms.ConfirmSignupForm(
        request.POST
        if request.method == "POST" and "claim" not in request.POST
        else None
    )
    if request.method == "POST":
        if rate_limit_exceeded(request=request, scope="verify_page"):
            return rate_limited_response(request)
        if "claim" in request.POST or not has_password:
            user = services.user_claim_address(user=user, email=user.email)
            code_step = _two_factor_step(request, user, "community:password_change")
            if code_step is not None:
                return code_step
            _login_by_link(request, user)
            messages.success(
                request,
                _(
                    "Your email address is confirmed. Any password set before is "
                    "gone: choose your own, or sign in with a link by email."
                ),
            )
            return redirect("community:password_change")
        if form.is_valid():
            try:
                user = services.user_confirm_signup(
                    user=user, email=user.email, password=form.cleaned_data["password"]
                )
            except ValidationError as exc:
                form.add_error("password", exc.message_dict["password"])
            else:
                code_step = _two_factor_step(request, user, "community:profile")
                if code_step is not None:
                    return code_step
                login(request, user, backend=LOGIN_BACKEND)
                messages.success(
                    request, _("Thank you: your email address is confirmed.")
                )
                return redirect("community:profile")
    return render(
        request,
        "community/verify_email.html",
        {"form": form, "account": user, "has_password": has_password},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def verify_email_resend(request):
    if rate_limit_exceeded(request=request, scope="verify"):
        return rate_limited_response(request)
    if request.user.email_verified_at is None:
        services.user_send_verification(
            user=request.user, language=translation.get_language()
        )
    messages.success(request, _("We sent you a new confirmation link."))
    return redirect("community:profile")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset, through our service: every session and token of the
    account ends, the address counts as proven (the link was sent there), and
    it hears of the change."""

    template_name = "community/password_reset_confirm.html"
    success_url = reverse_lazy("community:password_reset_complete")

    def form_valid(self, form):
        services.user_set_password(
            user=form.user,
            password=form.cleaned_data["new_password1"],
            reset=True,
        )
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.get_success_url())


@login_required
def password_change(request):
    """Asks for the current password (Django's form); members without one set a
    first password shortly after signing in by link."""
    user = request.user
    if not _reauthenticated(request):
        return _reauth_needed(request)
    form_class = PasswordChangeForm if user.has_usable_password() else SetPasswordForm
    form = form_class(user, request.POST or None)
    if request.method == "POST":
        if rate_limit_exceeded(request=request, scope="password_change"):
            return rate_limited_response(request)
        if form.is_valid():
            user = services.user_set_password(
                user=user, password=form.cleaned_data["new_password1"]
            )
            update_session_auth_hash(request, user)  # this session stays signed in
            messages.success(
                request,
                _("Your password is changed. Other devices were signed out."),
            )
            return redirect("community:profile")
    return render(
        request,
        "community/password_change.html",
        {"form": form, "has_password": user.has_usable_password()},
    )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.AccountPasswordResetForm
    template_name = "community/password_reset.html"
    success_url = reverse_lazy("community:password_reset_done")

    def post(self, request, *args, **kwargs):
        if rate_limit_exceeded(request=request, scope="password_reset"):
            return rate_limited_response(request)
        return super().post(request, *args, **kwargs)


def _languages_post(request):
    """The languages form of the profile page (its own submit button)."""
    form = forms.LanguagesForm(request.POST)
    if form.is_valid():
        try:
            user_set_languages(user=request.user, skills=form.skills)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your languages are saved."))
            return redirect("community:profile")
    profile_form = forms.ProfileForm(
        instance=request.user,
        initial={"marketing_consent": request.user.marketing_consent},
    )
    return render(
        request,
        "community/profile.html",
        {"form": profile_form, "languages_form": form},
        status=400,
    )


@login_required
def profile(request):
    user = request.user
    if request.method == "POST" and "save_languages" in request.POST:
        return _languages_post(request)
    form = forms.ProfileForm(
        request.POST or None,
        instance=user,
        initial={"marketing_consent": user.marketing_consent},
    )
    languages_form = forms.LanguagesForm(skills=user.language_skills.all())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.user_update_profile(
            user=user,
            name=data["name"],
            phone=data["phone"],
            language=data["language"],
            marketing_consent=data["marketing_consent"],
        )
        messages.success(request, _("Your profile is saved."))
        with translation.override(data["language"]):
            return redirect("community:profile")
    return render(
        request,
        "community/profile.html",
        {"form": form, "languages_form": languages_form},
    )


@login_required
def email_change(request):
    if not _reauthenticated(request):
        return _reauth_needed(request)
    form = forms.EmailChangeForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if rate_limit_exceeded(request=request, scope="email_change"):
            return rate_limited_response(request)
        if form.is_valid():
            services.user_request_email_change(
                user=request.user,
                new_email=form.cleaned_data["new_email"],
                language=translation.get_language(),
            )
            return _email_sent(request, form.cleaned_data["new_email"])
    return render(request, "community/email_change.html", {"form": form})


def email_change_confirm(request, token):
    """GET shows a button; POST moves the account to the new address, only from a
    session signed in as the account that asked. The link proves the inbox, the
    session proves the account: a mail scanner opening the link, or the owner of
    an address someone else asked to move their account onto, has only one of
    them, and changes nothing."""
    found = tokens.read_token(
        token=token, purpose="email_change", max_age=tokens.EMAIL_CHANGE_MAX_AGE
    )
    if found is None:
        return render(request, "community/link_invalid.html", status=400)
    user, payload = found
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.user.pk != user.pk:
        return render(
            request,
            "community/email_change_confirm.html",
            {"other_account": True},
            status=403,
        )
    if request.method != "POST":
        return render(
            request,
            "community/email_change_confirm.html",
            {"new_email": payload["new"]},
        )
    try:
        changed = services.user_change_email(user=user, new_email=payload["new"])
    except ValidationError as exc:
        return render(
            request,
            "community/link_invalid.html",
            {"message": exc.messages[0]},
            status=400,
        )
    # Every other session ended; the one that confirmed stays.
    update_session_auth_hash(request, changed)
    messages.success(
        request, _("Your email address is now %(email)s.") % {"email": payload["new"]}
    )
    return redirect("community:profile")


@login_required
def privacy_page(request):
    return render(request, "community/privacy.html")


@login_required
def data_export(request):
    data = privacy.user_export_data(user=request.user)
    audit_record(
        action="user.data_exported",
        actor=request.user,
        target=request.user,
    )
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="spanglish-my-data.json"'
    return response


@login_required
def account_delete(request):
    if not _reauthenticated(request):
        return _reauth_needed(request)
    form = forms.DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and rate_limit_exceeded(
        request=request, scope="account_delete"
    ):
        return rate_limited_response(request)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.user_erase(user=request.user, actor=request.user)
        except ConflictError as exc:  # the last active admin
            form.add_error(None, exc.message)
        else:
            logout(request)
            return render(request, "community/account_deleted.html")
    return render(request, "community/account_delete.html", {"form": form})


def logout_view(request, *args, **kwargs):
    """Django's LogoutView, and the browser is told to wipe what this site stored
    (a shared door phone keeps attendee lists in localStorage). Browsers honour
    Clear-Site-Data on secure origins only; the door script clears them too."""
    response = auth_views.LogoutView.as_view()(request, *args, **kwargs)
    response["Clear-Site-Data"] = '"storage"'
    return response
