from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from community import services
from community.mail import account_email_send
from community.models import LanguageLevel, User
from community.ratelimit import rate_limit_exceeded


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("That email and password do not match an account."),
        "inactive": _("This account is inactive."),
        "email_unverified": _(
            "Please confirm your email address first — we sent you a new link."
        ),
    }

    def confirm_login_allowed(self, user):
        """Rules once the password is right (a wrong one gets "do not match" before
        this, so the answer tells nothing to someone who does not know it). Later
        rules (a second factor) go here too.

        Until its address is proven an account is not usable by password: anyone
        could have registered someone else's address (pre-hijacking).
        """
        super().confirm_login_allowed(user)
        if user.email_verified_at is None:
            if not rate_limit_exceeded(request=self.request, scope="verify"):
                services.user_resend_verification(
                    user=user, language=translation.get_language()
                )
            raise forms.ValidationError(
                self.error_messages["email_unverified"], code="email_unverified"
            )


class SignupForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters, not a common word or only numbers."),
    )
    marketing_consent = forms.BooleanField(
        label=_("Send me news about upcoming events by email"),
        required=False,
        help_text=_("Optional. You can withdraw at any time from your profile."),
    )


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class AccountPasswordResetForm(PasswordResetForm):
    """Django's reset, sent through our account emails; passwordless members (who
    booked without an account) may use it to set a first password."""

    def get_users(self, email):
        return User.objects.filter(email__iexact=email, is_active=True)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # context["uid"] and context["token"] are ignored on purpose: a working reset
        # link is never logged; the worker mints a fresh one when it sends.
        user = context["user"]
        language = translation.get_language() or user.language
        account_email_send(
            to=to_email,
            template="password_reset",
            context={"name": user.get_short_name()},
            language=language,
            user=user,
            link="password_reset",
        )


class ProfileForm(forms.ModelForm):
    marketing_consent = forms.BooleanField(
        label=_("Send me news about upcoming events by email"), required=False
    )

    class Meta:
        model = User
        fields = ["name", "phone", "language"]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }


class ReauthForm(forms.Form):
    """Asks for the current password before a sensitive change. A member without
    a password has no field here: views let them through only shortly after a
    sign-in by emailed link (see views.recently_signed_in_by_link)."""

    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            del self.fields["current_password"]

    def clean_current_password(self):
        password = self.cleaned_data["current_password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("That is not your current password."), code="password_incorrect"
            )
        return password


class EmailChangeForm(ReauthForm):
    new_email = forms.EmailField(
        label=_("New email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    field_order = ["new_email", "current_password"]

    def clean_new_email(self):
        email = self.cleaned_data["new_email"].strip().lower()
        if email == self.user.email:
            raise forms.ValidationError(_("This is already your address."))
        return email


class DeleteAccountForm(ReauthForm):
    confirm = forms.BooleanField(
        label=_("I understand that my account and personal data will be erased."),
        required=True,
    )

    field_order = ["confirm", "current_password"]


class ConfirmSignupForm(forms.Form):
    """The page a verification link opens: the registrant types their password."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def _skill_choices():
    return [
        ("", _("I don't speak it")),
        ("native", _("Native")),
        *[
            (level, _("Learning — %(level)s") % {"level": label})
            for level, label in (LanguageLevel.choices)
        ],
    ]


class LanguagesForm(forms.Form):
    """Spanish and English (they decide the side at language-split events), plus
    other languages as ISO codes."""

    spanish = forms.ChoiceField(label=_("Spanish"), required=False)
    english = forms.ChoiceField(label=_("English"), required=False)
    other_native = forms.CharField(
        label=_("Other native languages"),
        required=False,
        max_length=60,
        help_text=_("ISO codes separated by commas, for example: fr, de"),
    )
    other_learning = forms.CharField(
        label=_("Other languages you are learning"),
        required=False,
        max_length=100,
        help_text=_("Code and level, separated by commas, for example: fr B1, it A2"),
    )

    def __init__(self, *args, skills=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spanish"].choices = _skill_choices()
        self.fields["english"].choices = _skill_choices()
        if not self.is_bound:
            others_native, others_learning = [], []
            for skill in skills:
                value = "native" if skill.kind == "native" else skill.level
                if skill.language in ("es", "en"):
                    field = "spanish" if skill.language == "es" else "english"
                    self.initial[field] = value
                elif skill.kind == "native":
                    others_native.append(skill.language)
                else:
                    others_learning.append(f"{skill.language} {skill.level}")
            self.initial["other_native"] = ", ".join(others_native)
            self.initial["other_learning"] = ", ".join(others_learning)

    def clean_other_learning(self):
        pairs = []
        for part in self.cleaned_data["other_learning"].split(","):
            words = part.replace(":", " ").split()
            if not words:
                continue
            if len(words) != 2 or words[1].upper() not in LanguageLevel.values:
                raise forms.ValidationError(
                    _("Write each language as a code and a level, like “fr B1”.")
                )
            pairs.append((words[0], words[1].upper()))
        return pairs

    @property
    def skills(self) -> list[dict]:
        data = self.cleaned_data
        skills = []
        for field, code in (("spanish", "es"), ("english", "en")):
            value = data.get(field) or ""
            if value == "native":
                skills.append({"language": code, "kind": "native"})
            elif value:
                skills.append({"language": code, "kind": "learning", "level": value})
        for code in data.get("other_native", "").split(","):
            if code.strip():
                skills.append({"language": code.strip(), "kind": "native"})
        for code, level in data.get("other_learning", []):
            skills.append({"language": code, "kind": "learning", "level": level})
        return skills
