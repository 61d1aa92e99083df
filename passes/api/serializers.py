from rest_framework import serializers

from passes.models import Pass, PassProduct, PassUse
from payments.models import ONLINE_PROVIDER_CHOICES
from spanglish.api.deprecation import deprecated
from spanglish.api.fields import DateTimeField
from spanglish.api.serializers import InputSerializer, QueryParamsSerializer


class PassProductSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    series = serializers.UUIDField(source="series_id", read_only=True, allow_null=True)

    class Meta:
        model = PassProduct
        fields = [
            "id",
            "name",
            "description",
            "series",
            "sessions",
            "validity_days",
            "price",
            "currency",
        ]
        read_only_fields = fields


class PassUseSerializer(serializers.ModelSerializer):
    event = serializers.UUIDField(source="event_id", read_only=True)
    event_title = serializers.CharField(source="event.title", read_only=True)
    event_starts_at = DateTimeField(source="event.starts_at", read_only=True)
    starts_at = deprecated(
        DateTimeField(source="event.starts_at", read_only=True),
        replacement="event_starts_at",
    )
    ticket = serializers.UUIDField(source="ticket_id", read_only=True)
    ticket_status = serializers.CharField(source="ticket.status", read_only=True)
    counts = serializers.BooleanField(read_only=True)

    class Meta:
        model = PassUse
        fields = [
            "event",
            "event_title",
            "event_starts_at",
            "starts_at",
            "ticket",
            "ticket_status",
            "counts",
            "created_at",
        ]
        read_only_fields = fields


class PassSerializer(serializers.ModelSerializer):
    product = serializers.UUIDField(source="product_id", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    user = serializers.UUIDField(source="user_id", read_only=True)
    series = serializers.UUIDField(source="series_id", read_only=True, allow_null=True)
    sessions_left = serializers.IntegerField(read_only=True, allow_null=True)
    is_expired = serializers.BooleanField(read_only=True)
    uses = PassUseSerializer(many=True, read_only=True)

    class Meta:
        model = Pass
        fields = [
            "id",
            "product",
            "product_name",
            "user",
            "status",
            "series",
            "sessions_total",
            "sessions_left",
            "validity_days",
            "price",
            "currency",
            "activated_at",
            "expires_at",
            "is_expired",
            "closed_at",
            "uses",
            "created_at",
        ]
        read_only_fields = fields


class PassFilterSerializer(QueryParamsSerializer):
    user = serializers.UUIDField(
        required=False, help_text="Staff only: the passes of this user id."
    )


class PurchaseSerializer(InputSerializer):
    product = serializers.UUIDField()
    provider = serializers.ChoiceField(choices=ONLINE_PROVIDER_CHOICES)


class PurchaseResultSerializer(serializers.Serializer):
    payment = serializers.UUIDField()
    # `pass` is a Python keyword: declared through the class namespace.
    locals()["pass"] = serializers.UUIDField(help_text="The pass bought.")
    pass_id = deprecated(serializers.UUIDField(), replacement="pass")
    status = serializers.CharField()
    checkout_url = serializers.URLField()


class UseSerializer(InputSerializer):
    event = serializers.UUIDField()


class UseResultSerializer(serializers.Serializer):
    ticket = serializers.UUIDField()
    ticket_status = serializers.CharField()
    locals()["pass"] = serializers.UUIDField(
        help_text="The pass a session was used of."
    )
    pass_id = deprecated(serializers.UUIDField(), replacement="pass")
    sessions_left = serializers.IntegerField(allow_null=True)
