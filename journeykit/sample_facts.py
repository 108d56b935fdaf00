"""The planted facts of the sample workspace, and the codes every part of its simulation shares.

The public names are re-exported by :mod:`journeykit.sample`, the module that documents them; import them from
there. The private names at the end (persona codes, the simulation's clock) are shared by the ``sample_*``
modules that build the workspace.
"""

from __future__ import annotations

import numpy as np

# ---------------------------------------------------------------------------------------------------------
# The planted facts (tests and later analyses import these)

SEED = 2026
COMPANY = "Verdure"
QUARTERS = ("2026Q2", "2026Q3")
QUARTER_DATES = {"2026Q2": ("2026-04-01", "2026-06-30"), "2026Q3": ("2026-07-01", "2026-09-30")}
N_CUSTOMERS = 20_000

PERSONAS = ("app_enthusiast", "bargain_hunter", "expert_gardener", "gift_buyer")
PERSONA_SHARES = {"app_enthusiast": 0.35, "bargain_hunter": 0.30, "expert_gardener": 0.20, "gift_buyer": 0.15}

FRICTION_QUARTER = "2026Q2"
FRICTION_TOUCHPOINT = "checkout_payment"
FRICTION_CHANNEL = "app"
FRICTION_STAGE = "purchase"
FRICTION_EVENTS = ("app_checkout_start", "app_payment_submit", "app_payment_failed")
FRICTION_NEXT_EVENT = "order_confirmed"  # the event that follows a successful payment
FRICTION_SURVEY_CODE = "CHECKOUT_APP"
PAYMENT_FAILURE_RATE = {"2026Q2": 0.60, "2026Q3": 0.06}  # chance that one payment attempt in the app fails

WORSENING_STAGE = "onboard"
WORSENING_QUARTER = "2026Q3"
WORSENING_TOUCHPOINT = "first_delivery"
WORSENING_SURVEY_CODE = "DELIVERY_1"
DAMAGED_RATE = {"2026Q2": 0.04, "2026Q3": 0.14}  # share of one-off orders that arrive damaged

UNMAPPED_EVENT = "whatsapp_message"
UNMAPPED_CHANNEL = "chat"
UNMAPPED_CHANNEL_RAW = "WhatsApp"

# Touchpoints where the workshop's assumed emotion (``assumed_emotion: {all: ...}``) is contradicted by data.
WRONG_ASSUMPTIONS = {"checkout_payment": 1.5, "first_delivery": 2.0, "customer_service_call": 1.0}

ORPHAN_USERS = ("VRD-020311", "VRD-020478", "VRD-020502", "VRD-020917", "VRD-021046")
N_ORPHAN_EVENTS = 40  # 8 events for each orphan user id (accounts deleted on request, events kept)
N_DUPLICATE_SURVEY_ROWS = 6
N_NPS_OUT_OF_RANGE = 5
NPS_OUT_OF_RANGE_VALUE = 11
N_TICKETS_RESOLVED_BEFORE_CREATED = 4

N_INTERVIEWS_WITH_PII = 5  # interview transcripts whose last answer gives an e-mail address and a phone number
PII_RATE = 0.015  # share of non-empty survey verbatims that carry an e-mail address or a phone number
PII_PATTERNS = {
    "email": r"[a-z]+\.[a-z]+@example\.(?:com|fr|org)",
    "phone_fr": r"(?:\+33 6|06) 39 98 \d\d \d\d",
    "phone_uk": r"(?:\+44 7700|07700) 900\d{3}",
}

SURVEY_CODES = {
    "CHECKOUT_WEB": "web_checkout",
    "CHECKOUT_APP": "checkout_payment",
    "STORE": "store_checkout",
    "PHONE_ORDER": "phone_order",
    "MARKETPLACE": "marketplace_order",
    "DELIVERY_1": "first_delivery",
    "SETUP_GUIDE": "plant_setup",
    "BOX": "monthly_box",
    "APP_REMINDERS": "care_reminders",
    "ACCOUNT": "my_subscription",
    "FAQ": "help_centre",
    "CALL": "customer_service_call",
    "MAIL_SUPPORT": "contact_form",
    "RENEWAL": "renewal_page",
    "CANCEL": "cancellation",
    "STORE_ADVICE": "store_advice",
    "WORKSHOP": "store_workshop",
}

RAW_CHANNELS = {
    "Web": "web",
    "iOS App": "app",
    "Android App": "app",
    "E-mail": "email",
    "Instagram": "social",
    "Facebook": "social",
    "Call centre": "phone",
    "Boutique": "store",
    "Marketplace": "partner",
    "Transporteur": "partner",
    "WhatsApp": "chat",
}

# ---------------------------------------------------------------------------------------------------------
# Shared by the simulation: persona codes (indices into PERSONAS) and its clock, in seconds since 1970

_APP, _BARGAIN, _EXPERT, _GIFT = range(4)
_DAY = 86_400.0
_HOUR = 3_600.0


def _epoch(date: str) -> float:
    return float(np.datetime64(date, "s").astype(np.int64))


_Q_START = np.array([_epoch("2026-04-01"), _epoch("2026-07-01")])
_Q_END = np.array([_epoch("2026-07-01"), _epoch("2026-10-01")])
