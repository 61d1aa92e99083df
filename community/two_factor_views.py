"""Two-factor pages: the code step of signing in, and setting up, renewing and
removing an authenticator app. Thin: the rules are community.two_factor's."""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from community import two_factor
from community.two_factor_forms import CodeForm, RemoveForm, SetupForm


class LoginView(auth_views.LoginView):
    """Django's sign-in form; a user with an app goes on to the code page
    instead of being signed in."""

    def form_valid(self, form):
        user = form.get_user()
        code_step = two_factor.two_factor_required_step(
            request=self.request,
            user=user,
            backend=user.backend,
            next_url=self.get_success_url(),
        )
        return code_step or super().form_valid(form)


@never_cache
def verify(request):
    """The code step: the password (or sign-in link) was right, the session is not
    signed in yet."""
    pending = two_factor.pending_sign_in(request)
    if pending is None:
        messages.info(request, _("Please sign in again."))
        return redirect("community:login")
    user, data = pending
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.two_factor_verify(
                user=user, code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            if two_factor.pending_sign_in_failed(request, data):
                messages.error(
                    request, _("Too many wrong codes. Please sign in again.")
                )
                return redirect("community:login")
            form.add_error("code", exc)
        else:
            two_factor.complete_sign_in(
                request, user=user, device=device, backend=data["backend"]
            )
            if isinstance(device, StaticDevice):
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a recovery code: %(count)d is left. "
                        "Make new ones on your two-factor page.",
                        "You signed in with a recovery code: %(count)d are left. "
                        "Make new ones on your two-factor page.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(data.get("next") or settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "community/two_factor_verify.html",
        {"form": form, "account": user},
        status=400 if form.errors else 200,
    )


def _offered_or_404(request) -> None:
    if not two_factor.two_factor_offered(request.user):
        raise Http404


@login_required
@never_cache
def manage(request):
    _offered_or_404(request)
    return render(
        request,
        "community/two_factor_manage.html",
        {
            "enabled": two_factor.two_factor_enabled(request.user),
            "required": two_factor.two_factor_required(request.user),
            "codes_left": two_factor.recovery_codes_left(request.user),
            "remove_form": RemoveForm(user=request.user),
        },
    )


def _qr_svg(url: str) -> str:
    return mark_safe(  # noqa: S308 — segno's own SVG of a URL we built
        segno.make(url, error="m").svg_inline(
            scale=4,
            border=2,
            dark="#1d2330",
            light="#ffffff",
            title=_("QR code to scan with your authenticator app"),
            svgclass="two-factor-qr",
        )
    )


@login_required
@never_cache
def setup(request):
    """GET shows the QR code and the key; POST confirms with a code from the app
    and shows the recovery codes, once."""
    _offered_or_404(request)
    if two_factor.two_factor_enabled(request.user):
        return redirect("community:two_factor")
    device = two_factor.two_factor_setup_start(user=request.user)
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.two_factor_enable(
                user=request.user, code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            app = two_factor.two_factor_app(request.user)
            two_factor.session_verified_with(request, app)
            return _show_codes(request, codes, first_time=True)
    key = b32encode(device.bin_key).decode()
    return render(
        request,
        "community/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
            "required": two_factor.two_factor_required(request.user),
        },
        status=400 if form.errors else 200,
    )


def _show_codes(request, codes: list[str], *, first_time: bool):
    # Rendered in the POST's answer, never stored for a later page: shown once.
    return render(
        request,
        "community/two_factor_codes.html",
        {"codes": codes, "first_time": first_time},
    )


@login_required
@require_POST
@never_cache
def recovery_codes(request):
    _offered_or_404(request)
    try:
        codes = two_factor.two_factor_recovery_codes_renew(user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("community:two_factor")
    return _show_codes(request, codes, first_time=False)


@login_required
@require_POST
def remove(request):
    _offered_or_404(request)
    form = RemoveForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(
            request,
            "community/two_factor_manage.html",
            {
                "enabled": two_factor.two_factor_enabled(request.user),
                "required": two_factor.two_factor_required(request.user),
                "codes_left": two_factor.recovery_codes_left(request.user),
                "remove_form": form,
            },
            status=400,
        )
    two_factor.two_factor_disable(user=request.user)
    two_factor.session_without_app(request)
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("community:two_factor")
