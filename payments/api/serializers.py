from rest_framework import serializers

from payments.models import ONLINE_PROVIDER_CHOICES, Payment
from spanglish.api.fields import StrictCharField


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


class PaymentSerializer(serializers.ModelSerializer):
    ticket = PayableIdField(kind="ticket")
    pass_purchase = PayableIdField(kind="pass")

    class Meta:
        model = Payment
        fields = [
            "id",
            "ticket",
            "pass_purchase",
            "provider",
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


class InitiateSerializer(serializers.Serializer):
    ticket = serializers.UUIDField()
    provider = serializers.ChoiceField(choices=ONLINE_PROVIDER_CHOICES)


class InitiateResultSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = StrictCharField()
    checkout_url = serializers.URLField()


class RefundSerializer(serializers.Serializer):
    payment = serializers.UUIDField()
    amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, min_value=0
    )


class WebhookResultSerializer(serializers.Serializer):
    result = StrictCharField()
