from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.models import PaymentMethod


def online_providers() -> list[tuple[str, str]]:
    """(code, label) of online payment providers with keys configured; none until
    the payments app provides them."""
    try:
        from payments.selectors import online_providers as providers

        return list(providers())
    except (ImportError, AttributeError):
        return []


class ContactFields(forms.Form):
    """Name and email, asked only of visitors who are not signed in."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Your email"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.signed_in = bool(user and user.is_authenticated)
        if self.signed_in:
            del self.fields["name"]
            del self.fields["email"]
        else:
            self.fields["name"].widget.attrs["autocomplete"] = "name"
            self.fields["email"].widget.attrs["autocomplete"] = "email"


class BookingForm(ContactFields):
    """How to pay is asked only for paid events: at the door, or an online provider."""

    payment = forms.ChoiceField(label=_("How will you pay?"), widget=forms.RadioSelect)

    def __init__(self, *args, event, user=None, providers=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.event = event
        if event.is_free:
            del self.fields["payment"]
            return
        self.providers = providers if providers is not None else online_providers()
        choices = [
            (
                f"online:{code}",
                _("Pay now online with %(provider)s") % {"provider": label},
            )
            for code, label in self.providers
        ]
        choices.append((PaymentMethod.DOOR.value, _("Pay at the door")))
        self.fields["payment"].choices = choices
        self.fields["payment"].initial = choices[0][0]

    @property
    def payment_method(self) -> str:
        if self.event.is_free:
            return PaymentMethod.FREE
        choice = self.cleaned_data["payment"]
        return PaymentMethod.ONLINE if choice.startswith("online:") else choice

    @property
    def provider(self) -> str:
        if self.event.is_free:
            return ""
        return self.cleaned_data["payment"].removeprefix("online:")


class WaitlistForm(ContactFields):
    pass


class CheckinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Ticket code"),
        max_length=64,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
            }
        ),
    )
