"""Account pages: sign-up, sign-in links, verification, profile, my tickets, email
change, data download and account deletion. Thin: forms validate, services act."""

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community import forms, privacy, services, tokens
from community.audit import audit_record
from community.languages import user_set_languages
from community.ratelimit import rate_limit_exceeded, rate_limited_response
from tickets.models import Ticket

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


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
                        user=user, consent=True, source="signup", request=request
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
        login(request, user, backend=LOGIN_BACKEND)  # updates last_login: link dies
        if user.email_verified_at is None:
            # Opening a link sent to the address proves it is theirs.
            services.user_verify_email(user=user, email=user.email)
        return redirect("community:profile")
    return render(request, "community/login_link_confirm.html", {"account": user})


def verify_email(request, token):
    found = tokens.read_token(
        token=token, purpose="verify", max_age=tokens.VERIFY_MAX_AGE
    )
    if found is None:
        return render(request, "community/link_invalid.html", status=400)
    user, _payload = found
    services.user_verify_email(user=user, email=user.email)
    messages.success(request, _("Thank you: your email address is confirmed."))
    return redirect(
        "community:profile" if request.user.is_authenticated else "community:login"
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
            user_set_languages(user=request.user, skills=form.skills, request=request)
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
            request=request,
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
def my_tickets(request):
    now = timezone.now()
    tickets = list(
        Ticket.objects.filter(user=request.user)
        .select_related("event")
        .order_by("event__starts_at")
    )
    upcoming = [t for t in tickets if t.event.ends_at >= now]
    past = [t for t in reversed(tickets) if t.event.ends_at < now]
    return render(
        request, "community/my_tickets.html", {"upcoming": upcoming, "past": past}
    )


@login_required
def email_change(request):
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
    found = tokens.read_token(
        token=token, purpose="email_change", max_age=tokens.EMAIL_CHANGE_MAX_AGE
    )
    if found is None:
        return render(request, "community/link_invalid.html", status=400)
    user, payload = found
    try:
        services.user_change_email(user=user, new_email=payload["new"], request=request)
    except ValidationError as exc:
        return render(
            request,
            "community/link_invalid.html",
            {"message": exc.messages[0]},
            status=400,
        )
    messages.success(
        request, _("Your email address is now %(email)s.") % {"email": payload["new"]}
    )
    return redirect(
        "community:profile" if request.user.is_authenticated else "community:login"
    )


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
        request=request,
    )
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="spanglish-my-data.json"'
    return response


@login_required
def account_delete(request):
    form = forms.DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        privacy.user_erase(user=request.user, actor=request.user, request=request)
        logout(request)
        return render(request, "community/account_deleted.html")
    return render(request, "community/account_delete.html", {"form": form})
