# The fake Stripe + MercadoPago APIs of the payments tests, for the API's
# idempotency tests (test_api_idempotency.py), reused as they are.
from payments.tests.conftest import fake, held_ticket  # noqa: F401
