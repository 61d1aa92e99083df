from rest_framework import serializers

from payments.models import ONLINE_PROVIDER_CHOICES, Payment
from spanglish.api.fields import StrictCharField


class PaymentSerializer(serializers.ModelSerializer):
    ticket = serializers.UUIDField(source="ticket_id", read_only=True, allow_null=True)
    pass_purchase = serializers.UUIDField(
        source="pass_purchase_id", read_only=True, allow_null=True
    )

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
