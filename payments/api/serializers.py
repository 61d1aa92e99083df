from rest_framework import serializers

from payments.models import ONLINE_PROVIDER_CHOICES, Payment
from spanglish.api.deprecation import deprecated
from spanglish.api.fields import StrictCharField
from spanglish.api.serializers import InputSerializer


class PayableIdField(serializers.UUIDField):
    """The payable's id when the payment pays for a `kind`, else null (the API kept
    its `ticket` and `pass_purchase` fields when payments became generic)."""

    def __init__(self, *, kind: str, **kwargs):
        self.kind = kind
        super().__init__(source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        if value.payable_kind != self.kind:
            return None
        return super().to_representation(value.payable_id)


class StaffOnlyField(serializers.CharField):
    """A value for organizers and admins (context `staff`); null for the payer."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def get_attribute(self, instance):
        if not self.context.get("staff"):
            return None
        return super().get_attribute(instance)

    def to_representation(self, value):
        return value or None


class PaymentSerializer(serializers.ModelSerializer):
    """A payment. `ticket` or `pass` names what it pays for. The provider's own
    ids, to find it in Stripe's or MercadoPago's dashboard, are for organizers
    and admins (null for the payer): `provider_reference` (Stripe checkout
    session, MercadoPago preference) and `provider_payment_id` (Stripe payment
    intent, MercadoPago payment; empty until paid)."""

    ticket = PayableIdField(kind="ticket")
    # `pass` is a Python keyword: declared through the class namespace.
    locals()["pass"] = PayableIdField(kind="pass")
    pass_purchase = deprecated(PayableIdField(kind="pass"), replacement="pass")
    provider_reference = StaffOnlyField(
        help_text="Organizers and admins: Stripe checkout session or MercadoPago "
        "preference id. Null for others, and for cash."
    )
    provider_payment_id = StaffOnlyField(
        help_text="Organizers and admins: Stripe payment intent or MercadoPago "
        "payment id, once paid. Null for others and until then."
    )

    class Meta:
        model = Payment
        fields = [
            "id",
            "ticket",
            "pass",
            "pass_purchase",
            "provider",
            "provider_reference",
            "provider_payment_id",
            "amount",
            "currency",
            "status",
            "refunded_amount",
            "flagged",
            "checkout_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class InitiateSerializer(InputSerializer):
    ticket = serializers.UUIDField()
    provider = serializers.ChoiceField(choices=ONLINE_PROVIDER_CHOICES)


class InitiateResultSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = StrictCharField()
    checkout_url = serializers.URLField()


class RefundSerializer(InputSerializer):
    payment = serializers.UUIDField()
    amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, min_value=0
    )


class WebhookResultSerializer(serializers.Serializer):
    result = StrictCharField()
