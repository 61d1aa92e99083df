from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from community.models import User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("That email and password do not match an account."),
        "inactive": _("This account is inactive."),
    }


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
        help_text=_("At least 8 characters, not a common word or only numbers."),
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
        from community.mail import absolute_url, account_email_send

        user = context["user"]
        language = translation.get_language() or user.language
        account_email_send(
            to=to_email,
            template="password_reset",
            context={
                "name": user.get_short_name(),
                "url": absolute_url(
                    "community:password_reset_confirm",
                    language=language,
                    uidb64=context["uid"],
                    token=context["token"],
                ),
            },
            language=language,
            user=user,
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


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(
        label=_("New email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_new_email(self):
        email = self.cleaned_data["new_email"].strip().lower()
        if email == self.user.email:
            raise forms.ValidationError(_("This is already your address."))
        return email


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account and personal data will be erased."),
        required=True,
    )
