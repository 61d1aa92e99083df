"""Writes at the door, split by topic; every public name is re-exported here, so
callers keep writing `from door import services`. Seats and money always move
through tickets.services and payments.services, so capacity rules, locks and audit
entries stay theirs ("Can't come", a ticket's release, is tickets.services
ticket_release).

- walkin.py   walkin_register: a newcomer booked, checked in and paid at once
- sync.py     checkin_sync_one, checkins_sync: the phones' offline check-ins
- cashup.py   cashcount_set, cashup_close
- amounts.py  money_amount: an amount typed at the door
- undo.py     checkin_undo: a volunteer takes back their own mis-tap
- passes.py   door_pass_sell: a pass sold for cash at the door
"""

from door.services.amounts import money_amount
from door.services.cashup import (
    CashCountLocked,
    CashUpClosed,
    cashcount_set,
    cashup_close,
)
from door.services.passes import door_pass_sell
from door.services.sync import SyncAnswer, checkin_sync_one, checkins_sync
from door.services.undo import checkin_undo
from door.services.walkin import PLACEHOLDER_DOMAIN, walkin_register

__all__ = [
    "PLACEHOLDER_DOMAIN",
    "CashCountLocked",
    "CashUpClosed",
    "SyncAnswer",
    "cashcount_set",
    "cashup_close",
    "checkin_sync_one",
    "checkin_undo",
    "door_pass_sell",
    "checkins_sync",
    "money_amount",
    "walkin_register",
]
