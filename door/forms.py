from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from passes.models import PassProduct
from spanglish.currency import format_money

EXCHANGE_LANGUAGES = [
    ("es", _("Spanish")),
    ("en", _("English")),
    ("fr", _("French")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("pt", _("Portuguese")),
]
LEVELS = [
    ("A1", "A1"),
    ("A2", "A2"),
    ("B1", "B1"),
    ("B2", "B2"),
    ("C1", "C1"),
    ("C2", "C2"),
]


class WalkinForm(forms.Form):
    """A newcomer at the door: a name is enough; the rest helps the balance."""

    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        help_text=_(
            "To send the ticket and the next events. Leave empty if they prefer."
        ),
    )
    native = forms.ChoiceField(
        label=_("Speaks natively"),
        choices=[("", "—"), *EXCHANGE_LANGUAGES],
        required=False,
    )
    learning = forms.ChoiceField(
        label=_("Is learning"),
        choices=[("", "—"), *EXCHANGE_LANGUAGES],
        required=False,
    )
    level = forms.ChoiceField(
        label=_("Level in it"), choices=LEVELS, initial="A2", required=False
    )
    amount = forms.DecimalField(
        label=_("Cash taken"),
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        required=False,
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        if event.is_free:
            del self.fields["amount"]
        else:
            self.fields["amount"].initial = event.price
            self.fields["amount"].label = _("Cash taken (%(currency)s)") % {
                "currency": event.currency
            }
            self.fields["amount"].widget.attrs["inputmode"] = "decimal"

    def clean(self):
        data = super().clean()
        if data.get("native") and data.get("native") == data.get("learning"):
            self.add_error("learning", _("Pick a language they are learning."))
        return data

    def languages(self) -> list[dict]:
        """[{language, kind, level}] as community.languages.user_set_languages takes."""
        skills = []
        if self.cleaned_data.get("native"):
            skills.append({"language": self.cleaned_data["native"], "kind": "native"})
        if self.cleaned_data.get("learning"):
            skills.append(
                {
                    "language": self.cleaned_data["learning"],
                    "kind": "learning",
                    "level": self.cleaned_data.get("level") or "A2",
                }
            )
        return skills


class CashCountForm(forms.Form):
    counted = forms.DecimalField(
        label=_("Cash counted"),
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
    )
    volunteer = forms.UUIDField(required=False, widget=forms.HiddenInput)


class CashUpCloseForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DoorPassSaleForm(forms.Form):
    """A pass sold for cash at the door: which pass, to whom."""

    product = forms.ModelChoiceField(label=_("Pass"), queryset=None, empty_label=None)
    email = forms.EmailField(
        label=_("Buyer's email"),
        help_text=_("The pass goes to this member; an account is made for a newcomer."),
    )
    name = forms.CharField(label=_("Buyer's name"), max_length=150, required=False)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        # Only passes the event's cash box can take (same currency).
        self.fields["product"].queryset = PassProduct.objects.on_sale().filter(
            currency=event.currency
        )
        self.fields["product"].label_from_instance = self._label

    @staticmethod
    def _label(product) -> str:
        return f"{product} · {format_money(product.price, product.currency)}"
