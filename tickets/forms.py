from django import forms
from django.utils.translation import gettext_lazy as _

from payments.selectors import online_providers
from tickets.models import PaymentMethod, Side
from tickets.selectors import pays_ahead, seats_left_by_side, side_for_user


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


class SideField(ContactFields):
    """At a language-split event, people whose profile gives no side (visitors,
    native in both or neither) say which side they take."""

    side = forms.ChoiceField(label=_("Your native language"), widget=forms.RadioSelect)

    def __init__(self, *args, event, user=None, ask_side=True, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.event = event
        if (
            not ask_side
            or not event.is_language_split
            or (user is not None and user.is_authenticated and side_for_user(user))
        ):
            del self.fields["side"]
            return
        left = seats_left_by_side(event=event)
        labels = {
            Side.ES: _("Spanish (%(count)s seats left)"),
            Side.EN: _("English (%(count)s seats left)"),
        }
        self.fields["side"].choices = [
            (side.value, labels[side] % {"count": left.get(side.value, 0)})
            for side in Side
        ]
        self.fields["side"].help_text = _(
            "Seats are balanced between native Spanish and native English speakers. "
            "Native in both or neither? Pick the side you will help."
        )

    @property
    def chosen_side(self) -> str:
        return self.cleaned_data.get("side", "") if "side" in self.fields else ""


class BookingForm(SideField):
    """How to pay is asked only for paid events: at the door, or an online provider.
    Members who must pay ahead (too many no-shows) are not offered the door."""

    payment = forms.ChoiceField(label=_("How will you pay?"), widget=forms.RadioSelect)

    def __init__(self, *args, event, user=None, providers=None, **kwargs):
        super().__init__(*args, event=event, user=user, **kwargs)
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
        self.must_pay_ahead = bool(
            user is not None and user.is_authenticated and pays_ahead(user)
        )
        if not self.must_pay_ahead:
            choices.append((PaymentMethod.DOOR.value, _("Pay at the door")))
        else:
            self.fields["payment"].help_text = _(
                "After several missed events, please pay ahead: paying at the door "
                "is not available."
            )
        self.fields["payment"].choices = choices
        if choices:
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


class WaitlistForm(SideField):
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
