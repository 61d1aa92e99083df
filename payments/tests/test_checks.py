from django.core.checks import Tags, run_checks


def _payment_warnings(*, deploy: bool = True) -> set[str]:
    return {
        message.id
        # Security checks only: the model checks would open a database connection.
        for message in run_checks(
            include_deployment_checks=deploy, tags=[Tags.security]
        )
        if message.id and message.id.startswith("payments.")
    }


def test_deploy_check_warns_when_a_provider_has_keys_but_no_webhook_secret(
    settings,
):
    settings.STRIPE_SECRET_KEY = "sk_live_x"
    settings.STRIPE_WEBHOOK_SECRET = ""
    settings.MERCADOPAGO_ACCESS_TOKEN = "APP_USR-x"
    settings.MERCADOPAGO_WEBHOOK_SECRET = ""
    assert _payment_warnings() == {"payments.W001", "payments.W002"}
    # Not a development concern: plain `check` stays quiet.
    assert _payment_warnings(deploy=False) == set()


def test_deploy_check_is_quiet_with_webhook_secrets_or_without_keys(settings):
    settings.STRIPE_SECRET_KEY = "sk_live_x"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    settings.MERCADOPAGO_ACCESS_TOKEN = "APP_USR-x"
    settings.MERCADOPAGO_WEBHOOK_SECRET = "mp-secret"
    assert _payment_warnings() == set()

    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    settings.MERCADOPAGO_ACCESS_TOKEN = settings.MERCADOPAGO_WEBHOOK_SECRET = ""
    assert _payment_warnings() == set()


def test_deploy_check_names_only_the_provider_missing_its_secret(settings):
    settings.STRIPE_SECRET_KEY = "sk_live_x"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    settings.MERCADOPAGO_ACCESS_TOKEN = "APP_USR-x"
    settings.MERCADOPAGO_WEBHOOK_SECRET = ""
    assert _payment_warnings() == {"payments.W002"}
