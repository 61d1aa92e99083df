"""Forms of the two-factor pages: they only collect what was typed; the checks are
community.two_factor's."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from community.two_factor import two_factor_verify


class CodeForm(forms.Form):
    """The sign-in step: a code from the app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_(
            "The 6-digit code your authenticator app shows now, or one of your "
            "recovery codes."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )


class SetupForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
            }
        ),
    )


class RemoveForm(forms.Form):
    """Turning two-factor off asks for proof that it is the owner: the current
    password or a code (someone at an unlocked screen has neither)."""

    secret = forms.CharField(
        label=_("Your current password, or a code from your app"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_secret(self):
        secret = self.cleaned_data["secret"]
        if self.user.has_usable_password() and self.user.check_password(secret):
            return secret
        try:
            two_factor_verify(user=self.user, code=secret)
        except ValidationError as exc:
            if exc.code == "otp_throttled":
                raise
            raise ValidationError(
                _("That is neither your current password nor a valid code."),
                code="invalid",
            ) from exc
        return secret
