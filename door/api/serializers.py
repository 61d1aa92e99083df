from rest_framework import serializers

from spanglish.api.fields import DateTimeField
from spanglish.api.serializers import InputSerializer


class SyncItemSerializer(InputSerializer):
    code = serializers.CharField(max_length=64)
    checked_in_at = DateTimeField()
    device_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    client_id = serializers.CharField(max_length=64)
    cash = serializers.ChoiceField(
        choices=["received", "unpaid"],
        required=False,
        help_text="For a pay-at-the-door ticket with money due, what the volunteer "
        "chose on the phone: `received` (cash taken, recorded once) or `unpaid` "
        "(let in owing it; no cash recorded). Left out while money is due: nothing "
        "is recorded, the answer is `cash_due` with what to collect.",
    )


class SyncSerializer(InputSerializer):
    event = serializers.UUIDField()
    checkins = SyncItemSerializer(many=True, allow_empty=True, max_length=500)


class SyncAnswerSerializer(serializers.Serializer):
    client_id = serializers.CharField()
    code = serializers.CharField()
    outcome = serializers.CharField()
    ok = serializers.BooleanField(help_text="True: this check-in admitted the person.")
    message = serializers.CharField()
    name = serializers.CharField()
    checked_in_at = DateTimeField(allow_null=True)
    checked_in_by = serializers.CharField()
    replayed = serializers.BooleanField(
        help_text="True: this client_id was synced before; nothing changed."
    )


class SyncResultSerializer(serializers.Serializer):
    results = SyncAnswerSerializer(many=True)
    checked_in = serializers.IntegerField()
    expected = serializers.IntegerField()


class ManifestTicketSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    payment_method = serializers.CharField()
    collect = serializers.CharField()
    collect_display = serializers.CharField(
        help_text='`collect` in the language of the request, e.g. "15,00 €"; '
        "empty when nothing is to collect."
    )
    checked_in_at = DateTimeField(allow_null=True)
    checked_in_by = serializers.CharField()


class ManifestEventSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    starts_at = DateTimeField()
    currency = serializers.CharField()


class ManifestSerializer(serializers.Serializer):
    event = ManifestEventSerializer()
    tickets = ManifestTicketSerializer(many=True)
    generated_at = DateTimeField()
