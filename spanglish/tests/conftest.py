# The fake Stripe + MercadoPago APIs of the payments tests, for the API contract
# tests (test_api_client_contract.py), reused as they are.
from payments.tests.conftest import fake, held_ticket, stripe_payment  # noqa: F401
