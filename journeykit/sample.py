"""The sample workspace: Verdure, a plant-delivery subscription sold in France and the UK.

:func:`generate` writes a complete, realistic workspace (``journey.yaml``, a French Excel CRM export, an
analytics event log in Parquet, survey answers, support tickets, interview transcripts) from one seed, so
that every step of journeykit can be demonstrated and tested on data whose answers are known. The same
seed always gives the same bytes in every file.

Facts are planted in the data for the analyses to recover; the constants below name them, and
``README.md`` in the generated folder gives their measured numbers:

- four behavioural personas (:data:`PERSONAS`, shares :data:`PERSONA_SHARES`) that are in no data column
  (the truth is in ``truth/personas.csv``, read by :func:`ground_truth`);
- a friction point: the app's payment step fails often in :data:`FRICTION_QUARTER`, and is fixed in the
  next quarter;
- a stage that gets worse: :data:`WORSENING_STAGE` (first delivery) in :data:`WORSENING_QUARTER`;
- an event that no touchpoint maps (:data:`UNMAPPED_EVENT`);
- personal data in free text (:data:`PII_PATTERNS`) and counted data-quality defects.

Examples
--------
>>> import journeykit.sample as sample
>>> sample.FRICTION_TOUCHPOINT, sample.FRICTION_CHANNEL, sample.FRICTION_QUARTER
('checkout_payment', 'app', '2026Q2')
>>> sample.PERSONAS
('app_enthusiast', 'bargain_hunter', 'expert_gardener', 'gift_buyer')
"""

from __future__ import annotations

import gzip
import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from .model import (
    DEFAULT_CHANNELS,
    Journey,
    Kpi,
    Objective,
    Opportunity,
    PainPoint,
    Source,
    SourceOptions,
    Sources,
    Stage,
    Text,
    Touchpoint,
)

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
WRONG_ASSUMPTIONS = {"checkout_payment": 1.0, "first_delivery": 2.0, "customer_service_call": 1.0}

ORPHAN_USERS = ("VRD-020311", "VRD-020478", "VRD-020502", "VRD-020917", "VRD-021046")
N_ORPHAN_EVENTS = 40  # 8 events for each orphan user id (accounts deleted on request, events kept)
N_DUPLICATE_SURVEY_ROWS = 6
N_NPS_OUT_OF_RANGE = 5
NPS_OUT_OF_RANGE_VALUE = 11
N_TICKETS_RESOLVED_BEFORE_CREATED = 4

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
# The map: stages and touchpoints

STAGES = (
    ("discover", "Discover", "Découvrir", 3,
     "The customer hears of Verdure: ads, social media, e-mails, marketplaces.",
     "Le client entend parler de Verdure : publicités, réseaux sociaux, e-mails, marketplaces."),
    ("consider", "Consider", "Envisager", 5,
     "The customer compares plants and plans, takes the plant quiz or asks in a shop.",
     "Le client compare plantes et offres, fait le quiz ou demande conseil en boutique."),
    ("purchase", "Purchase", "Acheter", 1,
     "The customer orders and pays: website, app, shop, phone or marketplace.",
     "Le client commande et paie : site, application, boutique, téléphone ou marketplace."),
    ("onboard", "First delivery", "Première livraison", 4,
     "The order is shipped and delivered; the customer sets the plant up with the care guide.",
     "La commande est expédiée et livrée ; le client installe la plante avec le guide d'entretien."),
    ("use", "Subscription life", "Vie de l'abonnement", 60,
     "Monthly boxes, care reminders, account management, community and workshops.",
     "Box mensuelles, rappels d'entretien, gestion du compte, communauté et ateliers."),
    ("support", "Support", "Service client", 2,
     "The customer looks for help: help centre, phone, e-mail or chat.",
     "Le client cherche de l'aide : centre d'aide, téléphone, e-mail ou chat."),
    ("renew", "Renew", "Renouveler", 7,
     "The commitment comes to term: the customer renews, changes plan or cancels.",
     "L'engagement arrive à échéance : le client renouvelle, change d'offre ou résilie."),
)
STAGE_IDS = tuple(stage[0] for stage in STAGES)

# id, stage, channel, kind, owner, name (en, fr), backstage (en, fr), systems, raw events, assumed emotion
TOUCHPOINTS = (
    ("search_ad", "discover", "web", "owned", "marketing", ("Search ad and landing page",
     "Annonce et page d'atterrissage"), ("Paid search campaigns bought and tuned weekly by the agency.",
     "Campagnes de liens sponsorisés achetées et ajustées chaque semaine par l'agence."),
     ["ad platform", "web analytics"], ["ad_click", "utm_landing"], None),
    ("social_post", "discover", "social", "earned", "marketing", ("Instagram and Facebook posts",
     "Publications Instagram et Facebook"), ("Content calendar, influencer partnerships, community manager.",
     "Calendrier éditorial, partenariats avec des influenceurs, community manager."),
     ["social media suite"], ["social_view", "instagram_click"], 1.0),
    ("promo_email", "discover", "email", "owned", "marketing", ("Newsletter and promotions",
     "Newsletter et promotions"), ("Weekly newsletter and promotional campaigns segmented in the CRM.",
     "Newsletter hebdomadaire et campagnes promotionnelles segmentées dans le CRM."),
     ["e-mailing platform", "CRM"], ["email_open", "email_click"], None),
    ("app_store_listing", "discover", "app", "partner", "product", ("App store page", "Fiche sur les stores"),
     ("App Store and Google Play listings, ratings answered by the product team.",
      "Fiches App Store et Google Play, avis traités par l'équipe produit."),
     ["app stores"], ["app_install", "app_first_open"], None),
    ("marketplace_listing", "discover", "partner", "partner", "partnerships", ("Marketplace listing",
     "Fiche marketplace"), ("Catalogue feed sent nightly to two garden marketplaces.",
     "Flux catalogue envoyé chaque nuit à deux marketplaces de jardinage."),
     ["catalogue feed"], ["marketplace_view"], None),
    ("product_page", "consider", "web", "owned", "ecommerce", ("Product page", "Fiche produit"),
     ("Catalogue, stock and photos maintained by the e-commerce team.",
      "Catalogue, stock et photos tenus par l'équipe e-commerce."),
     ["e-commerce platform", "PIM"], ["view_product", "view_product_detail", "add_to_cart"], 1.0),
    ("app_catalogue", "consider", "app", "owned", "product", ("App catalogue", "Catalogue de l'appli"),
     ("Same catalogue through the mobile API; recommendations by plant and light.",
      "Même catalogue via l'API mobile ; recommandations selon la plante et la lumière."),
     ["mobile app", "PIM"], ["screen_catalogue", "app_view_product", "app_add_to_cart"], None),
    ("plant_quiz", "consider", "web", "owned", "ecommerce", ("Plant quiz", "Quiz « quelle plante ? »"),
     ("Ten questions on light, pets and time; rules maintained by the plant experts.",
      "Dix questions sur la lumière, les animaux et le temps ; règles tenues par les experts plantes."),
     ["e-commerce platform"], ["quiz_start", "quiz_complete"], None),
    ("store_advice", "consider", "store", "owned", "sales", ("Advice in a shop", "Conseil en boutique"),
     ("Five shops (Paris, Lyon, Nantes, London, Bristol); staff trained by the head gardener.",
      "Cinq boutiques (Paris, Lyon, Nantes, Londres, Bristol) ; vendeurs formés par le chef jardinier."),
     ["POS", "CRM"], ["store_visit", "advice_session"], 2.0),
    ("web_checkout", "purchase", "web", "owned", "ecommerce", ("Website checkout", "Paiement sur le site"),
     ("Cart, delivery options and card payment through the payment provider.",
      "Panier, options de livraison et paiement par carte via le prestataire de paiement."),
     ["e-commerce platform", "payment provider"], ["begin_checkout", "payment_submit"], 1.0),
    ("checkout_payment", "purchase", "app", "owned", "product", ("App payment", "Paiement dans l'appli"),
     ("In-app payment screen; 3-D Secure handled by the payment provider's mobile SDK.",
      "Écran de paiement de l'appli ; 3-D Secure géré par le SDK mobile du prestataire de paiement."),
     ["mobile app", "payment provider SDK"], list(FRICTION_EVENTS), 1.0),
    ("store_checkout", "purchase", "store", "owned", "sales", ("Checkout in a shop", "Caisse en boutique"),
     ("Point-of-sale, subscription sign-up on a tablet with the shop assistant.",
      "Caisse, souscription sur tablette avec le vendeur."), ["POS", "CRM"], ["pos_sale"], None),
    ("phone_order", "purchase", "phone", "owned", "sales", ("Order by phone", "Commande par téléphone"),
     ("Sales advisers take orders by phone from 9:00 to 18:00.",
      "Les conseillers prennent les commandes par téléphone de 9 h à 18 h."),
     ["telephony", "CRM"], ["call_order_taken"], None),
    ("marketplace_order", "purchase", "partner", "partner", "partnerships", ("Marketplace order",
     "Commande marketplace"), ("Orders imported from the marketplaces every hour; Verdure ships them.",
     "Commandes importées des marketplaces toutes les heures ; Verdure les expédie."),
     ["marketplace connector"], [], None),
    ("order_confirmation", "purchase", "email", "owned", "ecommerce", ("Order confirmation",
     "Confirmation de commande"), ("Transactional e-mail sent when the payment is accepted.",
     "E-mail transactionnel envoyé quand le paiement est accepté."),
     ["e-mailing platform"], [FRICTION_NEXT_EVENT, "confirmation_email_open"], None),
    ("welcome_email", "onboard", "email", "owned", "marketing", ("Welcome e-mail", "E-mail de bienvenue"),
     ("Welcome sequence with the care guide and the app download link.",
      "Séquence de bienvenue avec le guide d'entretien et le lien vers l'appli."),
     ["e-mailing platform"], ["welcome_email_open"], 1.0),
    ("delivery_tracking", "onboard", "web", "owned", "logistics", ("Parcel tracking", "Suivi du colis"),
     ("Tracking page fed by the carrier's status updates.",
      "Page de suivi alimentée par les statuts du transporteur."),
     ["carrier API", "e-commerce platform"], ["shipping_notification_click", "track_parcel"], None),
    ("first_delivery", "onboard", "partner", "partner", "logistics", ("First delivery", "Première livraison"),
     ("Picking and packing in the greenhouse warehouse; carrier for one-off orders changed on 1 July 2026.",
      "Préparation à l'entrepôt-serre ; transporteur des commandes ponctuelles changé le 1er juillet 2026."),
     ["WMS", "carrier API"], ["parcel_out_for_delivery", "delivery_failed_attempt", "parcel_delivered"],
     WRONG_ASSUMPTIONS["first_delivery"]),
    ("plant_setup", "onboard", "app", "owned", "product", ("Plant set-up guide", "Guide d'installation"),
     ("Scan the plant's QR code; the app creates its care calendar.",
      "Scanner le QR code de la plante ; l'appli crée son calendrier d'entretien."),
     ["mobile app"], ["care_guide_open", "plant_added_to_app"], 1.0),
    ("care_reminders", "use", "app", "owned", "product", ("Care reminders", "Rappels d'entretien"),
     ("Push notifications computed from the plant, the season and the local weather.",
      "Notifications calculées selon la plante, la saison et la météo locale."),
     ["mobile app", "push service"], ["push_reminder_open", "watering_logged", "screen_my_plants"], 2.0),
    ("my_subscription", "use", "web", "owned", "ecommerce", ("My subscription", "Mon abonnement"),
     ("Self-service account: skip a month, change plan, update the card.",
      "Compte en libre-service : sauter un mois, changer d'offre, mettre à jour la carte."),
     ["e-commerce platform", "subscription billing"], ["account_view", "skip_delivery", "change_plan"], None),
    ("monthly_box", "use", "partner", "partner", "logistics", ("Monthly box", "Box mensuelle"),
     ("Monthly boxes prepared in batches and shipped by the historical carrier.",
      "Box mensuelles préparées par lots et expédiées par le transporteur historique."),
     ["WMS", "carrier API"], ["box_dispatched", "box_delivered"], 1.0),
    ("community", "use", "social", "earned", "marketing", ("Plant lovers community",
     "Communauté des amoureux des plantes"), ("Instagram community and stories moderated by the team.",
     "Communauté Instagram et stories animées par l'équipe."),
     ["social media suite"], ["community_post", "story_view"], None),
    ("store_workshop", "use", "store", "owned", "sales", ("Shop workshops", "Ateliers en boutique"),
     ("Repotting workshops and plant clinic in the shops, booked online.",
      "Ateliers rempotage et « clinique des plantes » en boutique, réservés en ligne."),
     ["booking tool", "POS"], ["workshop_checkin", "repotting_service"], 2.0),
    ("help_centre", "support", "web", "owned", "customer_care", ("Help centre", "Centre d'aide"),
     ("FAQ articles written by customer care, updated monthly.",
      "Articles de FAQ rédigés par le service client, mis à jour chaque mois."),
     ["help centre CMS"], ["faq_view", "help_article_view"], 0.0),
    ("customer_service_call", "support", "phone", "owned", "customer_care", ("Customer service call",
     "Appel au service client"), ("Eight advisers, IVR, callbacks; peak waits on Monday mornings.",
     "Huit conseillers, SVI, rappels ; attente maximale le lundi matin."),
     ["telephony", "helpdesk", "CRM"], ["call_inbound", "ivr_menu", "callback_requested"],
     WRONG_ASSUMPTIONS["customer_service_call"]),
    ("contact_form", "support", "email", "owned", "customer_care", ("Contact form and e-mail",
     "Formulaire de contact et e-mail"), ("Form on the website creating a helpdesk ticket; reply within 48 h.",
     "Formulaire du site qui crée un ticket ; réponse sous 48 h."),
     ["helpdesk"], ["contact_form_submit", "support_email_reply"], None),
    ("renewal_reminder", "renew", "email", "owned", "marketing", ("Renewal reminder", "Rappel de renouvellement"),
     ("E-mail sent 10 days before the commitment ends, with the next quarter's plants.",
      "E-mail envoyé 10 jours avant la fin de l'engagement, avec les plantes du trimestre suivant."),
     ["e-mailing platform", "subscription billing"], ["renewal_email_open"], None),
    ("renewal_page", "renew", "web", "owned", "ecommerce", ("Renewal page", "Page de renouvellement"),
     ("Renewal and plan change, with the loyalty discount when eligible.",
      "Renouvellement et changement d'offre, avec la remise fidélité si éligible."),
     ["e-commerce platform", "subscription billing"], ["renewal_page_view", "renew_confirm"], 0.0),
    ("cancellation", "renew", "web", "owned", "customer_care", ("Cancellation", "Résiliation"),
     ("Three-step cancellation with a reason and a retention offer.",
      "Résiliation en trois étapes avec un motif et une offre de fidélisation."),
     ["e-commerce platform", "subscription billing"], ["cancel_start", "cancel_reason_submitted",
                                                       "cancel_confirm"], -1.0),
)
TOUCHPOINT_IDS = tuple(tp[0] for tp in TOUCHPOINTS)
_TP = {tp[0]: index for index, tp in enumerate(TOUCHPOINTS)}
_TP_CHANNEL = [tp[2] for tp in TOUCHPOINTS]

# Raw event names as they appear in the log: a touchpoint's ``events``, or its id when it lists none.
EVENT_NAMES = tuple([name for tp in TOUCHPOINTS for name in (tp[8] or [tp[0]])] + [UNMAPPED_EVENT])
_EV = {name: index for index, name in enumerate(EVENT_NAMES)}
_EV_TP = np.array([_TP[tp[0]] for tp in TOUCHPOINTS for _ in (tp[8] or [tp[0]])] + [-1])
_TP_FIRST_EVENT = np.array([_EV[(tp[8] or [tp[0]])[0]] for tp in TOUCHPOINTS])
_TP_N_EVENTS = np.array([len(tp[8] or [tp[0]]) for tp in TOUCHPOINTS])


def _text(en: str, fr: str) -> Text:
    return Text(en=en, fr=fr)


def _journey() -> Journey:
    """The workshop's map of Verdure's journey, with ``sources:`` that read every sample file."""
    stages = [Stage(id=sid, name=_text(en, fr), description=_text(den, dfr), expected_days=days)
              for sid, en, fr, days, den, dfr in STAGES]
    touchpoints = []
    for tid, stage, channel, kind, owner, name, backstage, systems, events, assumed in TOUCHPOINTS:
        touchpoints.append(Touchpoint(
            id=tid, name=_text(*name), stage=stage, channel=channel, kind=kind, owner=owner,
            backstage=_text(*backstage), systems=systems, events=events,
            assumed_emotion={} if assumed is None else {"all": assumed}))
    pain_points = [
        PainPoint(id="no_delivery_slot", stage="onboard", touchpoint="first_delivery",
                  title=_text("No choice of delivery slot", "Pas de choix du créneau de livraison"),
                  description=_text("Customers who work cannot receive the parcel and plants wait at the depot.",
                                    "Les clients qui travaillent ne peuvent pas réceptionner le colis et les "
                                    "plantes attendent au dépôt."),
                  evidence=_text("Workshop of 12 March 2026, two customer care advisers.",
                                 "Atelier du 12 mars 2026, deux conseillers du service client."),
                  severity=2),
        PainPoint(id="price_perception", stage="renew", touchpoint="renewal_page",
                  title=_text("The subscription feels expensive", "L'abonnement paraît cher"),
                  description=_text("At renewal, customers compare with garden centres' prices.",
                                    "Au renouvellement, les clients comparent avec les prix des jardineries."),
                  evidence=_text("Sales team's impression.", "Impression de l'équipe commerciale."),
                  severity=3),
        PainPoint(id="plant_care_anxiety", stage="use", touchpoint="care_reminders",
                  title=_text("Fear of killing the plant", "Peur de faire mourir la plante"),
                  description=_text("Beginners do not know when to water or repot.",
                                    "Les débutants ne savent pas quand arroser ni rempoter."),
                  evidence=_text("Product team's user tests, 2025.", "Tests utilisateurs de l'équipe produit, 2025."),
                  severity=2),
    ]
    opportunities = [
        Opportunity(id="delivery_slot_choice", title=_text("Let customers pick a delivery slot",
                                                           "Laisser choisir le créneau de livraison"),
                    pain_points=["no_delivery_slot"], customer_value=4, business_value=3, effort=3,
                    owner="logistics", status="planned", votes=7),
        Opportunity(id="loyalty_discount", title=_text("Loyalty discount from the third quarter",
                                                       "Remise fidélité dès le troisième trimestre"),
                    pain_points=["price_perception"], customer_value=3, business_value=2, effort=2,
                    owner="marketing", votes=5),
        Opportunity(id="care_coaching", title=_text("Live care coaching in the app",
                                                    "Coaching d'entretien en direct dans l'appli"),
                    pain_points=["plant_care_anxiety"], customer_value=4, business_value=3, effort=4,
                    owner="product", votes=4),
    ]
    kpis = [
        Kpi(id="nps", name=_text("Net Promoter Score", "Net Promoter Score"), metric="nps", unit="points",
            definition=_text("% promoters (9-10) minus % detractors (0-6) among survey answers of the quarter.",
                             "% de promoteurs (9-10) moins % de détracteurs (0-6) parmi les réponses du "
                             "trimestre."),
            target=30, owner="customer_care"),
        Kpi(id="csat_delivery", name=_text("Delivery satisfaction", "Satisfaction livraison"), metric="csat",
            stage="onboard", unit="%",
            definition=_text("% of the answers about the first delivery that rate it 4 or 5 out of 5 (top-2-box).",
                             "% des réponses sur la première livraison qui la notent 4 ou 5 sur 5 (top-2-box)."),
            target=80, owner="logistics"),
        Kpi(id="ces_checkout", name=_text("Checkout effort", "Effort au paiement"), metric="ces",
            stage="purchase", unit="/7", higher_is_better=False,
            definition=_text("Mean customer effort score (1 = very easy, 7 = very hard) after paying.",
                             "Score d'effort moyen (1 = très facile, 7 = très difficile) après le paiement."),
            target=2.5, owner="ecommerce"),
        Kpi(id="fcr", name=_text("First contact resolution", "Résolution au premier contact"), metric="fcr",
            stage="support", unit="%",
            definition=_text("% of the tickets with a known outcome solved at the first contact.",
                             "% des tickets à l'issue connue résolus dès le premier contact."),
            target=75, owner="customer_care"),
        Kpi(id="conversion", name=_text("Conversion", "Conversion"), metric="conversion", stage="purchase",
            unit="%",
            definition=_text("% of the customers active in Discover during the quarter who then reached Purchase.",
                             "% des clients actifs dans « Découvrir » pendant le trimestre qui ont ensuite atteint "
                             "« Acheter »."),
            target=45, owner="ecommerce"),
        Kpi(id="churn", name=_text("Quarterly churn", "Résiliation trimestrielle"), metric="churn",
            stage="renew", unit="%", higher_is_better=False,
            definition=_text("% of the customers active at the start of the quarter who cancelled during it.",
                             "% des clients actifs en début de trimestre qui ont résilié pendant le trimestre."),
            target=6, owner="marketing"),
    ]
    sources = Sources(
        customers=Source(
            path="data/crm_clients.csv",
            columns={"customer_id": "N° client", "signup_date": "Date d'inscription",
                     "segment": "Segment marketing", "region": "Région", "plan": "Offre",
                     "monthly_value": "Panier mensuel (€)", "churned": "Résilié",
                     "churn_date": "Date de résiliation"},
            attributes=["Âge", "Langue", "Pays", "Nb commandes", "Canal d'acquisition"],
            options=SourceOptions(delimiter=";", encoding="cp1252", decimal=",", date_format="%d/%m/%Y")),
        events=Source(
            path="data/events_*.parquet",
            columns={"customer_id": "user_id", "timestamp": "event_time", "touchpoint": "event_name",
                     "channel": "channel", "session_id": "session_id"},
            values={"channel": dict(RAW_CHANNELS)}),
        survey=Source(
            path="data/survey_responses.csv",
            columns={"response_id": "response_id", "customer_id": "respondent", "date": "submitted_at",
                     "touchpoint": "touchpoint_code", "nps": "nps", "csat": "csat", "ces": "ces",
                     "comment": "verbatim", "language": "lang"},
            values={"touchpoint": dict(SURVEY_CODES)}),
        tickets=Source(
            path="data/tickets.jsonl.gz",
            columns={"ticket_id": "id", "customer_id": "client", "opened_at": "created", "closed_at": "resolved",
                     "channel": "via", "category": "topic", "touchpoint": "touchpoint",
                     "first_contact_resolved": "fcr", "satisfaction": "rating"},
            values={"channel": {raw: channel for raw, channel in RAW_CHANNELS.items() if raw in _TICKET_VIA},
                    "touchpoint": dict(SURVEY_CODES)}),
        interviews=Source(path="interviews"),
    )
    journey = Journey(
        name=_text("Verdure: from first click to renewal", "Verdure : du premier clic au renouvellement"),
        template="subscription",
        objective=Objective(
            problem=_text("Too many new subscribers leave within their first two quarters, and the NPS is far "
                          "below the 30 promised to the board. We need to know where the journey hurts, for whom, "
                          "and what to fix first.",
                          "Trop de nouveaux abonnés partent dans leurs deux premiers trimestres et le NPS est loin "
                          "des 30 promis au conseil. Il faut savoir où le parcours fait mal, pour qui, et quoi "
                          "corriger en premier."),
            target_kpi="nps", horizon="2026Q4",
            scope=_text("Customers in France and the UK, all channels, from the first contact to the renewal "
                        "of the subscription. Out of scope: B2B gifts and the marketplaces' own customer service.",
                        "Clients en France et au Royaume-Uni, tous canaux, du premier contact au renouvellement "
                        "de l'abonnement. Hors périmètre : cadeaux d'entreprise et service client propre aux "
                        "marketplaces."),
            map_type="current_state"),
        channels=[channel.model_copy() for channel in DEFAULT_CHANNELS],
        stages=stages, touchpoints=touchpoints, pain_points=pain_points, opportunities=opportunities,
        kpis=kpis, sources=sources)
    return Journey.model_validate(journey.model_dump())


def _journey_yaml(journey: Journey) -> str:
    data = journey.model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


# ---------------------------------------------------------------------------------------------------------
# Customers

_DAY = 86_400.0
_HOUR = 3_600.0
_APP, _BARGAIN, _EXPERT, _GIFT = range(4)
_TICKET_VIA = ("Call centre", "E-mail", "Web", "WhatsApp")

PLANS = ("Découverte", "Classique", "Passion", "Coffret cadeau")
_PLAN_PRICE = np.array([19.90, 29.90, 49.90, 39.90])
_GIFT_PLAN = 3
_PLAN_P = np.array([[.15, .75, .08, .02], [.80, .16, .02, .02], [.03, .15, .82, .00], [.04, .04, .02, .90]])
_COHORT_P = np.array([[.70, .15, .15], [.66, .17, .17], [.92, .04, .04], [.30, .35, .35]])  # before, Q2, Q3
_SIGNUP_BETA = np.array([[2.2, 1.2], [1.8, 1.2], [1.1, 2.0], [1.4, 1.1]])
_MONTHLY_CHURN = np.array([.012, .03, .008, .05])
_AGE = np.array([[28, 5, 18, 45], [45, 9, 20, 75], [60, 7, 30, 85], [35, 8, 18, 75]])
_FRANCE_P = np.array([.56, .62, .64, .60])

REGIONS_FR = {"Île-de-France": .30, "Auvergne-Rhône-Alpes": .13, "Provence-Alpes-Côte d'Azur": .10,
              "Occitanie": .09, "Nouvelle-Aquitaine": .09, "Hauts-de-France": .08, "Grand Est": .06,
              "Pays de la Loire": .06, "Bretagne": .05, "Normandie": .04}
REGIONS_UK = {"Greater London": .34, "South East": .18, "North West": .10, "Scotland": .08, "South West": .09,
              "West Midlands": .08, "Yorkshire and the Humber": .07, "Wales": .06}
SEGMENTS = ("Urbains connectés", "Petits budgets", "Passionnés", "Occasionnels", "Familles")
ACQUISITION = ("Réseaux sociaux", "Moteur de recherche", "Newsletter", "Magasin", "Marketplace", "Parrainage")
_ACQ_P = np.array([[.55, .10, .05, .02, .03, .25], [.10, .45, .30, .02, .08, .05],
                   [.05, .15, .15, .40, .20, .05], [.40, .35, .05, .05, .10, .05]])


def _epoch(date: str) -> float:
    return float(np.datetime64(date, "s").astype(np.int64))


_Q_START = np.array([_epoch("2026-04-01"), _epoch("2026-07-01")])
_Q_END = np.array([_epoch("2026-07-01"), _epoch("2026-10-01")])
_HISTORY_START = _epoch("2024-01-01")


def _choose(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One category per row of ``probabilities`` (rows sum to 1)."""
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative /= cumulative[:, -1:]
    return (rng.random(len(probabilities))[:, None] > cumulative).sum(axis=1)


def _customers(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Who the customers are before anything happens in the two quarters."""
    counts = [round(N_CUSTOMERS * PERSONA_SHARES[p]) for p in PERSONAS]
    persona = rng.permutation(np.repeat(np.arange(4), counts))
    n = len(persona)
    france = rng.random(n) < _FRANCE_P[persona]
    lang_fr = np.where(france, rng.random(n) < .97, rng.random(n) < .02)
    mean, sd, low, high = (_AGE[persona, i] for i in range(4))
    age = np.clip(np.round(rng.normal(mean, sd)), low, high).astype(int)
    plan = _choose(rng, _PLAN_P[persona])
    cohort = _choose(rng, _COHORT_P[persona])
    offset = rng.beta(_SIGNUP_BETA[persona, 0], _SIGNUP_BETA[persona, 1])
    signup = _HISTORY_START + np.floor(offset * 820) * _DAY + rng.uniform(8, 22, n) * _HOUR
    signup[cohort > 0] = np.nan
    subscription = plan != _GIFT_PLAN
    churn_time = signup + rng.exponential(1 / _MONTHLY_CHURN[persona]) * 30.4 * _DAY
    churned_before = (cohort == 0) & subscription & (churn_time < _Q_START[0])
    price = _PLAN_PRICE[plan]
    promo = (persona == _BARGAIN) & (rng.random(n) < .5)
    price = np.where(promo, price * rng.choice([.7, .75, .8], n), price)
    price = price + np.where(persona == _EXPERT, np.round(rng.gamma(2, 8, n)), 0)
    price = price + np.where((persona == _APP) & (rng.random(n) < .3), 4.90, 0)
    price = np.where((plan == _GIFT_PLAN) & (rng.random(n) < .3), 59.90, price)
    months = np.where(cohort == 0, (np.minimum(np.where(churned_before, churn_time, _Q_START[0]), _Q_START[0])
                                    - np.nan_to_num(signup)) / (30.4 * _DAY), 0)
    orders = np.where(subscription, np.floor(months) + rng.poisson(np.maximum(months, 0) * .1), 1 + rng.poisson(.2, n))
    regions_fr, regions_uk = list(REGIONS_FR), list(REGIONS_UK)
    region_fr = rng.choice(len(regions_fr), n, p=list(REGIONS_FR.values()))
    region_uk = rng.choice(len(regions_uk), n, p=list(REGIONS_UK.values()))
    return {
        "persona": persona, "france": france, "lang_fr": lang_fr, "age": age, "plan": plan, "cohort": cohort,
        "signup": signup, "churned_before": churned_before,
        "churn_time": np.where(churned_before, churn_time, np.nan), "price": np.round(price, 2),
        "orders": np.where(cohort == 0, orders, 0).astype(int),
        "region": np.where(france, np.array(regions_fr, dtype=object)[region_fr],
                           np.array(regions_uk, dtype=object)[region_uk]),
        "ios": rng.random(n) < np.where(persona == _APP, .62, .5),
        "instagram": rng.random(n) < .85,
        "woman": rng.random(n) < np.where(persona == _EXPERT, .52, .6),
        "acquisition": _choose(rng, _ACQ_P[persona]),
        "optin": rng.random(n) < np.where(persona == _BARGAIN, .9, .6),
    }


# ---------------------------------------------------------------------------------------------------------
# Journeys and events

# Generic sessions: the touchpoints a persona uses in a stage (weights) and the extra sessions it opens.
_DISCOVER_TPS = np.array([_TP[t] for t in ("search_ad", "social_post", "promo_email", "app_store_listing",
                                           "marketplace_listing")])
_DISCOVER_NEW = np.array([[.05, .50, .10, .35, 0], [.45, .05, .50, 0, 0], [.20, .05, .40, 0, .35],
                          [.25, .67, .02, 0, .06]])
_DISCOVER_RETURNING = np.array([[0, .5, .5, 0, 0], [.15, 0, .85, 0, 0], [0, 0, .7, 0, .3], [.2, .7, .1, 0, 0]])
_DISCOVER_EXTRA = np.array([.8, 4, .6, 2])
_CONSIDER_TPS = np.array([_TP[t] for t in ("product_page", "app_catalogue", "plant_quiz", "store_advice")])
_CONSIDER_W = np.array([[.12, .85, .03, 0], [.75, .05, .20, 0], [.42, .03, .05, .50], [.62, .05, .33, 0]])
_CONSIDER_EXTRA = np.array([1.5, 2.5, 1.5, .8])
_USE_TPS = np.array([_TP[t] for t in ("care_reminders", "my_subscription", "community", "store_workshop")])
_USE_RATE = np.array([[17, 1.5, 4, 0], [.4, 6, .2, 0], [2, 4, .3, 3.5], [.3, 1, .5, 0]])  # per 91 days


def _session_extra() -> np.ndarray:
    """Mean number of events after the first one in a session, per touchpoint."""
    extra = np.zeros(len(TOUCHPOINTS))
    for name, mean in {"search_ad": .6, "social_post": .3, "promo_email": 1.0, "app_store_listing": .8,
                       "marketplace_listing": .5, "product_page": 2.5, "app_catalogue": 2.8, "plant_quiz": 1.0,
                       "store_advice": .6, "care_reminders": 1.6, "my_subscription": 1.2, "community": .8,
                       "store_workshop": .3, "help_centre": .8}.items():
        extra[_TP[name]] = mean
    return extra


def _later_cumulative() -> np.ndarray:
    """Per touchpoint, cumulative chances of each raw event name after the first event of a session."""
    later = {"add_to_cart": .3, "app_add_to_cart": .3, "quiz_start": .05, "email_open": .1, "ad_click": .1,
             "app_install": 0, "store_visit": .1, "faq_view": .4}
    width = int(_TP_N_EVENTS.max())
    cumulative = np.ones((len(TOUCHPOINTS), width))
    for index, tp in enumerate(TOUCHPOINTS):
        names = tp[8] or [tp[0]]
        weights = np.array([later.get(name, 1.0) for name in names] + [0.0] * (width - len(names)))
        cumulative[index] = np.cumsum(weights) / weights.sum()
    return cumulative


_SESSION_EXTRA = _session_extra()
_LATER_CUM = _later_cumulative()

_PURCHASE_CHANNEL = np.array([[.18, .80, .01, 0, .01], [.88, .10, 0, 0, .02], [.22, .03, .42, .23, .10],
                              [.72, .12, .02, 0, .14]])  # web, app, store, phone, partner
_WEB, _APPCH, _STORE, _PHONE, _PARTNER = range(5)
_SUPPORT_KIND = np.array([[.25, .12, .25, .38], [.35, .15, .45, .05], [.08, .62, .28, .02], [.30, .10, .25, .35]])
_SELF, _CALL, _MAIL, _CHAT = range(4)
_PAY, _DAMAGED, _LATE, _CANCEL, _GENERAL = range(5)  # why a customer contacts support, by priority


class _Log:
    """Events accumulated during the simulation: journey, time (s), event code, session number."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, ...]] = []
        self.n_sessions = 0

    def sessions(self, n: int) -> np.ndarray:
        numbers = np.arange(self.n_sessions, self.n_sessions + n)
        self.n_sessions += n
        return numbers

    def add(self, journey: np.ndarray, time: np.ndarray, event: str | np.ndarray, session: np.ndarray) -> None:
        journey = np.asarray(journey)
        code = np.full(len(journey), _EV[event]) if isinstance(event, str) else np.asarray(event)
        self.parts.append((journey, np.asarray(time, dtype=float), code, np.asarray(session)))

    def arrays(self) -> tuple[np.ndarray, ...]:
        return tuple(np.concatenate([part[i] for part in self.parts]) for i in range(4))


def _generic_sessions(rng, log, journey, start, end, n, tps, weights) -> tuple[np.ndarray, np.ndarray]:
    """``n[i]`` sessions of journey ``journey[i]`` in ``[start[i], end[i]]``, each on one touchpoint of ``tps``
    drawn with the row ``weights[i]``; returns each session's touchpoint and start time."""
    which = np.repeat(np.arange(len(journey)), n)
    tp = tps[_choose(rng, weights[which])] if len(which) else np.zeros(0, dtype=int)
    span = np.maximum(end[which] - start[which] - 900, 0)
    begin = start[which] + rng.random(len(which)) * span
    count = 1 + rng.poisson(_SESSION_EXTRA[tp])
    event_session = np.repeat(np.arange(len(which)), count)
    first = np.cumsum(count) - count
    position = np.arange(len(event_session)) - np.repeat(first, count)
    event_tp = tp[event_session]
    later = (rng.random(len(event_session))[:, None] > _LATER_CUM[event_tp]).sum(axis=1)
    code = _TP_FIRST_EVENT[event_tp] + np.where(position == 0, 0, np.minimum(later, _TP_N_EVENTS[event_tp] - 1))
    gaps = np.where(position == 0, 0, 5 + rng.exponential(50, len(event_session)))
    elapsed = np.cumsum(gaps)
    offset = elapsed - np.repeat(elapsed[first], count) if len(elapsed) else elapsed
    numbers = log.sessions(len(which))
    log.add(journey[which][event_session], begin[event_session] + offset, code, numbers[event_session])
    return tp, begin


def _chat(rng, log, journey, time) -> None:
    """A WhatsApp conversation (the touchpoint nobody mapped) starting at ``time``."""
    count = 2 + rng.poisson(2, len(journey))
    which = np.repeat(np.arange(len(journey)), count)
    first = np.cumsum(count) - count
    position = np.arange(len(which)) - np.repeat(first, count)
    elapsed = np.cumsum(np.where(position == 0, 0, rng.uniform(20, 400, len(which))))
    offset = elapsed - np.repeat(elapsed[first], count) if len(elapsed) else elapsed
    numbers = log.sessions(len(journey))
    log.add(journey[which], time[which] + offset, UNMAPPED_EVENT, numbers[which])


def _quarter(rng, log, cust, state, q) -> dict[str, np.ndarray]:
    """Simulate quarter ``q`` (0 = 2026Q2, 1 = 2026Q3): who comes, how far they go, and their events."""
    persona_all, plan_all = cust["persona"], cust["plan"]
    qs, qe = _Q_START[q], _Q_END[q]
    n_cust = len(persona_all)
    new = cust["cohort"] == q + 1
    retry = state["prospect"] & (rng.random(n_cust) < .5)
    regift = state["gift_done"] & (rng.random(n_cust) < .2)
    kind_of = np.full(n_cust, -1)
    kind_of[regift], kind_of[retry], kind_of[state["subscriber"]], kind_of[new] = 3, 2, 1, 0
    c = np.flatnonzero(kind_of >= 0)
    jt, p, plan = kind_of[c], persona_all[c], plan_all[c]
    n = len(c)
    returning = jt == 1

    def u() -> np.ndarray:
        return rng.random(n)

    # How far each journey goes: the entry stage by kind (new, returning, prospect back, gift buyer back)
    new_entry = np.where(u() < .85, 0, 1)
    returning_entry = np.select([u() < np.array([.25, .65, .25, .25])[p], u() < .2], [0, 1], -1)
    entry = np.select([jt == 0, jt == 1, jt == 2], [new_entry, returning_entry, 1], np.where(u() < .7, 0, 1))
    r_discover = entry == 0
    p_dc = np.where(returning, .55, np.array([.88, .84, .90, .90])[p])
    r_consider = (entry == 1) | (r_discover & (u() < p_dc))
    p_cp = np.where(returning, np.array([.30, .22, .40, .10])[p], np.array([.84, .76, .88, .86])[p])
    r_purchase = r_consider & (u() < p_cp)
    pc = _choose(rng, _PURCHASE_CHANNEL[p])
    pc = np.where(returning & (pc == _PARTNER), _WEB, pc)

    fail_rate = PAYMENT_FAILURE_RATE[QUARTERS[q]]
    f1 = u() < fail_rate
    retry1 = f1 & (u() < .55)
    f2 = retry1 & (u() < fail_rate)
    retry2 = f2 & (u() < .55)
    f3 = retry2 & (u() < fail_rate)
    app_ok = ~f1 | (retry1 & ~f2) | (retry2 & ~f3)
    attempts = 1 + retry1.astype(int) + retry2.astype(int)
    fallback = ~app_ok & (u() < .25)
    web_ok = u() > .04
    is_app = r_purchase & (pc == _APPCH)
    success = r_purchase & np.select([pc == _WEB, pc == _APPCH, pc == _STORE, pc == _PHONE],
                                     [web_ok, app_ok | (fallback & web_ok), True, u() < .98], u() < .97)
    pay_abandon = is_app & ~app_ok & ~fallback
    pay_trouble = is_app & f1

    onboard = success & ~(returning & (pc == _STORE))
    lag = np.where(q == 0, 1.2 + rng.gamma(2, .8, n), 2.0 + rng.gamma(2.5, 1.5, n))
    failed_attempt = onboard & (u() < (.05, .20)[q])
    lag = lag + failed_attempt
    late = onboard & (lag > 5)
    damaged = onboard & (u() < DAMAGED_RATE[QUARTERS[q]])
    setup = onboard & (u() < np.where(p == _APP, .85, .15)) & ~(damaged & (u() < .5))
    first_order = onboard & ~returning

    subscribed = returning | ((jt <= 2) & success & (plan != _GIFT_PLAN))
    base_churn = np.where(returning, np.array([.045, .20, .025, .15])[p], np.array([.05, .22, .03, .20])[p])
    churn_p = base_churn + .06 * late + .20 * damaged + .05 * pay_trouble
    churn = subscribed & (u() < churn_p)
    r_use = subscribed
    r_renew = churn | (subscribed & (u() < np.where(returning, .5, .3)))

    reason = np.select([pay_abandon & (u() < .45), damaged & (u() < .75), late & (u() < .30),
                        churn & (u() < .15),
                        (subscribed & (u() < np.array([.09, .14, .20, .05])[p])) | (~subscribed & (u() < .02))],
                       [_PAY, _DAMAGED, _LATE, _CANCEL, _GENERAL], -1)
    weights = _SUPPORT_KIND[p].copy()
    weights[reason != _GENERAL, 0] = 0
    support_kind = _choose(rng, weights)
    r_support = reason >= 0
    fcr = u() < np.array([1, .74, .55, .68])[support_kind] - .12 * np.isin(reason, (_PAY, _DAMAGED, _LATE))

    # When: stage durations laid out from t0, scaled down when they do not fit the quarter
    d_discover = np.minimum(.05 + rng.exponential(1.2, n), 8) * _DAY * r_discover
    d_consider = np.minimum(.05 + rng.exponential(2.0, n), 12) * _DAY * r_consider
    d_purchase = np.where(is_app & fallback, 1, .05) * _DAY * r_purchase
    setup_delay = rng.uniform(.05, 1.5, n) * _DAY
    d_onboard = (lag * _DAY + np.where(setup, setup_delay, 0) + _HOUR) * onboard
    general = r_support & (reason == _GENERAL)
    d_support = np.minimum(.3 + rng.exponential(1.0, n), 4) * _DAY * general
    d_renew = np.minimum(.5 + rng.exponential(2.0, n), 7) * _DAY * r_renew
    pre = d_discover + d_consider + d_purchase + d_onboard
    post = d_support + d_renew
    need = pre + post + 10 * _DAY * r_use
    slack = (qe - qs) - 2 * _DAY - need
    window = np.where(returning, np.where(entry < 0, 3 * _DAY, 45 * _DAY), slack)
    t0 = qs + u() * np.clip(np.minimum(window, slack), 0, None)
    scale = np.minimum(1, (qe - qs - 2 * _DAY) / need)
    d_discover, d_consider, d_purchase, d_onboard, d_support, d_renew, lag_s, setup_delay = (
        x * scale for x in (d_discover, d_consider, d_purchase, d_onboard, d_support, d_renew, lag * _DAY,
                            setup_delay))
    discover_end = t0 + d_discover
    consider_end = discover_end + d_consider
    t_purchase = consider_end + .02 * _DAY * r_purchase
    onboard_start = t_purchase + d_purchase
    t_delivery = onboard_start + lag_s
    onboard_end = onboard_start + d_onboard
    use_end = np.where(r_use, np.maximum(onboard_end + 10 * _DAY * scale,
                                         qe - _DAY - post - u() * 3 * _DAY), onboard_end)
    support_start = use_end
    renew_start = support_start + d_support
    renew_end = renew_start + d_renew

    j = np.arange(n) + state["n_journeys"]
    # discover and consider
    idx = np.flatnonzero(r_discover)
    w = np.where(returning[idx, None], _DISCOVER_RETURNING[p[idx]], _DISCOVER_NEW[p[idx]])
    _generic_sessions(rng, log, j[idx], t0[idx], discover_end[idx], 1 + rng.poisson(_DISCOVER_EXTRA[p[idx]]),
                      _DISCOVER_TPS, w)
    idx = np.flatnonzero(r_consider)
    _generic_sessions(rng, log, j[idx], discover_end[idx], consider_end[idx],
                      1 + rng.poisson(_CONSIDER_EXTRA[p[idx]]), _CONSIDER_TPS, _CONSIDER_W[p[idx]])
    idx = np.flatnonzero(r_consider & ~returning & np.isin(p, (_APP, _GIFT)) & (u() < .04))
    _chat(rng, log, j[idx], discover_end[idx] + u()[idx] * d_consider[idx] * .8)

    # purchase
    t_order = np.full(n, np.nan)
    idx = np.flatnonzero(r_purchase & (pc == _WEB))
    session = log.sessions(len(idx))
    log.add(j[idx], t_purchase[idx], "begin_checkout", session)
    paid = t_purchase[idx] + rng.uniform(60, 400, len(idx))
    log.add(j[idx], paid, "payment_submit", session)
    again = ~web_ok[idx]
    log.add(j[idx][again], paid[again] + rng.uniform(30, 120, again.sum()), "payment_submit", session[again])
    t_order[idx[web_ok[idx]]] = paid[web_ok[idx]] + 8
    idx = np.flatnonzero(is_app)
    session = log.sessions(len(idx))
    log.add(j[idx], t_purchase[idx], "app_checkout_start", session)
    t_app = t_purchase[idx] + rng.uniform(40, 200, len(idx))
    steps = np.vstack([np.zeros(len(idx)), rng.uniform(60, 180, (2, len(idx)))]).cumsum(axis=0)
    for attempt, failed in enumerate((f1, f2, f3)):
        tried = attempts[idx] > attempt
        at = t_app + steps[attempt]
        log.add(j[idx][tried], at[tried], "app_payment_submit", session[tried])
        bad = tried & failed[idx]
        log.add(j[idx][bad], at[bad] + rng.uniform(4, 25, bad.sum()), "app_payment_failed", session[bad])
    t_app_end = t_app + steps[attempts[idx] - 1, np.arange(len(idx))] + 60
    ok = app_ok[idx]
    t_order[idx[ok]] = t_app_end[ok]
    back = ~ok & fallback[idx]
    t_web = t_app_end[back] + rng.uniform(.5, 20, back.sum()) * _HOUR
    session = log.sessions(back.sum())
    log.add(j[idx][back], t_web, "begin_checkout", session)
    log.add(j[idx][back], t_web + 120, "payment_submit", session)
    good = web_ok[idx][back]
    t_order[idx[back][good]] = t_web[good] + 130
    for channel, event in ((_STORE, "pos_sale"), (_PHONE, "call_order_taken"), (_PARTNER, "marketplace_order")):
        idx = np.flatnonzero(r_purchase & (pc == channel))
        log.add(j[idx], t_purchase[idx], event, log.sessions(len(idx)))
        done = success[idx]
        t_order[idx[done]] = t_purchase[idx[done]] + 90
    confirmed = success & (pc != _PARTNER) & ((pc != _STORE) | (u() < .4))
    idx = np.flatnonzero(confirmed)
    log.add(j[idx], t_order[idx], FRICTION_NEXT_EVENT, log.sessions(len(idx)))
    idx = np.flatnonzero(confirmed & (u() < .6))
    log.add(j[idx], t_order[idx] + rng.uniform(.01, .5, len(idx)) * _DAY, "confirmation_email_open",
            log.sessions(len(idx)))
    t_order = np.where(success, t_order, np.nan)

    # onboard: welcome, tracking, delivery, set-up
    idx = np.flatnonzero(first_order & (jt <= 2) & (u() < .7))
    log.add(j[idx], onboard_start[idx] + rng.uniform(.005, .2, len(idx)) * _DAY, "welcome_email_open",
            log.sessions(len(idx)))
    idx = np.flatnonzero(onboard & (u() < .6))
    log.add(j[idx], onboard_start[idx] + rng.uniform(.3, .8, len(idx)) * lag_s[idx], "shipping_notification_click",
            log.sessions(len(idx)))
    idx = np.flatnonzero(onboard)
    tracks = rng.poisson(.4 + .3 * lag[idx])
    which = np.repeat(idx, tracks)
    log.add(j[which], onboard_start[which] + rng.uniform(.3, .97, len(which)) * lag_s[which], "track_parcel",
            log.sessions(len(which)))
    session = log.sessions(len(idx))
    retried = failed_attempt[idx]
    log.add(j[idx][retried], t_delivery[idx][retried] - _DAY - 4 * _HOUR, "parcel_out_for_delivery",
            session[retried])
    log.add(j[idx][retried], t_delivery[idx][retried] - _DAY, "delivery_failed_attempt", session[retried])
    log.add(j[idx], t_delivery[idx] - rng.uniform(1, 6, len(idx)) * _HOUR, "parcel_out_for_delivery", session)
    log.add(j[idx], t_delivery[idx], "parcel_delivered", session)
    idx = np.flatnonzero(setup)
    t_setup = t_delivery[idx] + setup_delay[idx]
    session = log.sessions(len(idx))
    log.add(j[idx], t_setup, "care_guide_open", session)
    added = u()[idx] < .8
    log.add(j[idx][added], t_setup[added] + rng.uniform(30, 300, added.sum()), "plant_added_to_app",
            session[added])

    # use: generic sessions and the monthly boxes
    idx = np.flatnonzero(r_use)
    days = (use_end[idx] - onboard_end[idx]) / _DAY
    rates = _USE_RATE[p[idx]] * (days / 91)[:, None]
    _generic_sessions(rng, log, j[idx], onboard_end[idx], use_end[idx], rng.poisson(rates.sum(axis=1)),
                      _USE_TPS, _USE_RATE[p[idx]] + 1e-9)
    first_box = onboard_end[idx] + rng.uniform(2, 30, len(idx)) * _DAY
    boxes = np.zeros(n, dtype=int)
    for month in range(4):
        at = first_box + month * 30.4 * _DAY
        sent = at + 3 * _DAY < use_end[idx]
        session = log.sessions(sent.sum())
        log.add(j[idx][sent], at[sent], "box_dispatched", session)
        log.add(j[idx][sent], at[sent] + rng.uniform(1.5, 3, sent.sum()) * _DAY, "box_delivered", session)
        boxes[idx[sent]] += 1

    # support: incidents right after the incident, other questions at the end of the use stage
    start = np.select([reason == _PAY, np.isin(reason, (_DAMAGED, _LATE))],
                      [t_purchase + rng.uniform(.05, .6, n) * _DAY, t_delivery + rng.uniform(.05, 1, n) * _DAY],
                      support_start + u() * np.maximum(d_support, _HOUR))
    start = np.where(reason == _CANCEL, renew_start - rng.uniform(.2, 1, n) * _DAY, start)
    idx = np.flatnonzero(r_support & ((support_kind == _SELF) | (u() < .45)))
    _generic_sessions(rng, log, j[idx], start[idx] - 1200, start[idx] - 900, np.ones(len(idx), dtype=int),
                      np.array([_TP["help_centre"]]), np.ones((len(idx), 1)))
    contact = np.full(n, np.nan)
    for kind in (_CALL, _MAIL, _CHAT):
        for second in (False, True):
            idx = np.flatnonzero(r_support & (support_kind == kind) & (~fcr if second else True))
            at = start[idx] + (rng.uniform(1, 4, len(idx)) * _DAY if second else 0)
            if not second:
                contact[idx] = at
            if kind == _CALL:
                session = log.sessions(len(idx))
                log.add(j[idx], at, "call_inbound", session)
                log.add(j[idx], at + rng.uniform(10, 40, len(idx)), "ivr_menu", session)
                back = u()[idx] < .25
                log.add(j[idx][back], at[back] + rng.uniform(120, 900, back.sum()), "callback_requested",
                        session[back])
            elif kind == _MAIL:
                log.add(j[idx], at, "contact_form_submit", log.sessions(len(idx)))
                log.add(j[idx], at + rng.uniform(3, 40, len(idx)) * _HOUR, "support_email_reply",
                        log.sessions(len(idx)))
            else:
                _chat(rng, log, j[idx], at)

    # renew
    idx = np.flatnonzero(r_renew)
    opened = (u()[idx] < .7) | ~churn[idx]
    span = d_renew[idx]
    log.add(j[idx][opened], renew_start[idx][opened], "renewal_email_open", log.sessions(opened.sum()))
    quit_ = churn[idx]
    t_cancel = renew_start[idx] + rng.uniform(.1, .9, len(idx)) * span
    saved = ~quit_ & (u()[idx] < .06)
    start_cancel = quit_ | saved
    session = log.sessions(len(idx))
    log.add(j[idx][start_cancel], t_cancel[start_cancel], "cancel_start", session[start_cancel])
    reasoned = quit_ & (u()[idx] < .85)
    log.add(j[idx][reasoned], t_cancel[reasoned] + 60, "cancel_reason_submitted", session[reasoned])
    log.add(j[idx][quit_], t_cancel[quit_] + 150, "cancel_confirm", session[quit_])
    view = ~quit_ & (u()[idx] < .6)
    t_view = renew_start[idx] + rng.uniform(.2, .95, len(idx)) * span
    session = log.sessions(len(idx))
    log.add(j[idx][view], t_view[view], "renewal_page_view", session[view])
    confirm = view & (u()[idx] < .5)
    log.add(j[idx][confirm], t_view[confirm] + rng.uniform(30, 200, confirm.sum()), "renew_confirm",
            session[confirm])
    churn_time = np.full(n, np.nan)
    churn_time[idx[quit_]] = t_cancel[quit_] + 150

    # state for the next quarter
    customer_signup = np.where(jt == 0, t0, np.nan)
    became = success & (jt <= 2)
    state["subscriber"][c] = np.where(returning, ~churn,
                                      state["subscriber"][c] | (became & subscribed & ~churn))
    state["prospect"][c] = np.where((jt == 0) | (jt == 2), ~success, state["prospect"][c])
    state["gift_done"][c] |= success & (plan == _GIFT_PLAN)
    state["purchased"][c] |= success
    state["orders"][c] += success.astype(int) + boxes
    state["signup"][c] = np.where(np.isnan(customer_signup), state["signup"][c], customer_signup)
    state["churn_time"][c] = np.where(np.isnan(churn_time), state["churn_time"][c], churn_time)
    state["n_journeys"] += n
    return {
        "customer": c, "quarter": np.full(n, q), "kind": jt, "persona": p, "purchase_channel": pc,
        "reached_purchase": r_purchase, "success": success, "pay_trouble": pay_trouble,
        "pay_abandon": pay_abandon, "onboard": onboard, "first_order": first_order, "late": late,
        "damaged": damaged, "failed_attempt": failed_attempt, "lag": lag, "t_order": t_order,
        "t_delivery": np.where(onboard, t_delivery, np.nan), "setup": setup, "subscribed": subscribed,
        "churn": churn, "renewed": np.isin(np.arange(n), idx[confirm]), "reason": reason,
        "support_kind": np.where(r_support, support_kind, -1), "fcr": fcr, "contact": contact,
        "start": t0, "end": renew_end, "t_last_fail": np.where(pay_abandon, t_purchase + 600, np.nan),
    }


def _daytime(seconds: np.ndarray) -> np.ndarray:
    """Squeeze each day's 24 hours into 7:30-22:30, keeping the order of every pair of times."""
    day = np.floor(seconds / _DAY) * _DAY
    return day + 7.5 * _HOUR + (seconds - day) * (15 / 24)


def _simulate(rng: np.random.Generator, cust: dict[str, np.ndarray]):
    """Both quarters: the journeys (one row per customer and quarter) and the event log."""
    n = len(cust["persona"])
    subscription = cust["plan"] != _GIFT_PLAN
    before = cust["cohort"] == 0
    state = {
        "subscriber": before & subscription & ~cust["churned_before"],
        "prospect": np.zeros(n, dtype=bool),
        "gift_done": before & ~subscription,
        "purchased": before.copy(),
        "orders": cust["orders"].copy(),
        "signup": cust["signup"].copy(),
        "churn_time": cust["churn_time"].copy(),
        "n_journeys": 0,
    }
    log = _Log()
    quarters = [_quarter(rng, log, cust, state, q) for q in (0, 1)]
    journeys = pd.DataFrame({key: np.concatenate([part[key] for part in quarters]) for key in quarters[0]})
    for column in ("t_order", "t_delivery", "contact", "start", "end", "t_last_fail"):
        journeys[column] = _daytime(journeys[column].to_numpy())
    journey, time, code, session = log.arrays()
    time = _daytime(time)
    quarter = journeys["quarter"].to_numpy()[journey]
    keep = time < _Q_END[quarter] - 60  # follow-ups that would fall in the next quarter are not exported
    events = pd.DataFrame({"journey": journey[keep], "customer": journeys["customer"].to_numpy()[journey[keep]],
                           "time": np.floor(time[keep]).astype(np.int64), "code": code[keep],
                           "session": session[keep]})
    state["signup"] = _daytime(state["signup"])
    first = events.groupby("journey")["time"].min()
    new = journeys.loc[first.index, "kind"].to_numpy() == 0
    state["signup"][journeys.loc[first.index[new], "customer"].to_numpy()] = first.to_numpy()[new]
    state["churn_time"] = np.where(before & cust["churned_before"], state["churn_time"], _daytime(state["churn_time"]))
    return journeys, events, state


def _orphans(rng: np.random.Generator) -> pd.DataFrame:
    """Events of accounts deleted from the CRM on request: 8 product-page views each."""
    per = N_ORPHAN_EVENTS // len(ORPHAN_USERS)
    customer = np.repeat(-1 - np.arange(len(ORPHAN_USERS)), per)
    start = _Q_START[0] + rng.uniform(5, 170, len(ORPHAN_USERS)) * _DAY
    time = _daytime(np.repeat(start, per) + np.tile(np.arange(per) * 75.0, len(ORPHAN_USERS)))
    code = np.where(np.tile(np.arange(per) % 2 == 0, len(ORPHAN_USERS)), _EV["view_product"],
                    _EV["view_product_detail"])
    return pd.DataFrame({"journey": -1, "customer": customer, "time": np.floor(time).astype(np.int64),
                         "code": code, "session": -1 - np.repeat(np.arange(len(ORPHAN_USERS)), per)})


# ---------------------------------------------------------------------------------------------------------
# Words: survey verbatims are built from fragments, by topic, sentiment and language

PLANTS = {
    "fr": ("monstera", "pilea", "calathea", "ficus lyrata", "strelitzia", "zamioculcas", "pothos", "sansevieria",
           "alocasia", "olivier", "kentia", "philodendron", "fougère de Boston", "aloe vera"),
    "en": ("monstera", "pilea", "calathea", "fiddle-leaf fig", "bird of paradise", "ZZ plant", "pothos",
           "snake plant", "alocasia", "olive tree", "kentia palm", "philodendron", "Boston fern", "aloe vera"),
}
SHOPS = {"fr": ("Paris", "Lyon", "Nantes"), "en": ("London", "Bristol")}

# topic -> sentiment -> language -> fragments; {plant}, {days}, {n}, {wait} and {shop} are filled in
FRAGMENTS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "checkout": {
        "pos": {"fr": ("Commande passée en deux minutes, rien à redire.", "Le paiement est simple et rapide.",
                       "Tout s'est bien passé pour la commande de mon {plant}.",
                       "Site clair, j'ai trouvé le {plant} que je cherchais et payé sans souci.",
                       "Commander est vraiment facile, même sur téléphone."),
                "en": ("Ordering took two minutes, no complaints.", "Checkout was quick and simple.",
                       "Ordering my {plant} went smoothly.",
                       "Clear website, found the {plant} I wanted and paid without any fuss.",
                       "Really easy to order, even on my phone.")},
        "neg": {"fr": ("Le site a planté au moment de valider le panier.",
                       "Trop d'étapes pour payer, j'ai failli abandonner.",
                       "Les frais de livraison apparaissent seulement à la fin, c'est agaçant.",
                       "Le code promo n'a pas fonctionné au moment de payer."),
                "en": ("The site crashed when I tried to confirm my basket.",
                       "Too many steps to pay, I nearly gave up.",
                       "Delivery fees only show up at the very end, annoying.",
                       "My promo code did not work at checkout.")},
    },
    "payment_failed": {
        "neg": {"fr": ("Le paiement a échoué trois fois dans l'appli, j'ai laissé tomber.",
                       "Le paiement a échoué à chaque tentative, alors que ma carte fonctionne partout ailleurs.",
                       "Impossible de payer dans l'application : erreur juste après la validation 3D Secure.",
                       "L'appli affiche « paiement refusé » alors que ma banque n'a rien bloqué.",
                       "J'ai essayé {n} fois de payer sur l'appli, toujours le même message d'erreur.",
                       "Le paiement a échoué et j'ai quand même été débitée, remboursée une semaine plus tard.",
                       "Paiement bloqué sur l'appli, personne n'a pu m'expliquer pourquoi."),
                "en": ("Payment kept failing in the app, so I gave up.",
                       "The payment failed every time even though my card works everywhere else.",
                       "Impossible to pay in the app: error right after the 3-D Secure step.",
                       "The app says 'payment declined' but my bank never blocked anything.",
                       "I tried {n} times to pay in the app and got the same error message.",
                       "Payment failed but I was charged anyway, refunded a week later.",
                       "Payment stuck in the app and nobody could tell me why.")},
    },
    "payment_retry": {
        "neg": {"fr": ("Il a fallu recommencer le paiement {n} fois avant que ça passe.",
                       "Le paiement a échoué la première fois, ça a fini par marcher mais quelle galère.",
                       "Erreur de paiement dans l'appli, j'ai dû repasser par le site."),
                "en": ("I had to retry the payment {n} times before it went through.",
                       "Payment failed the first time; it worked in the end but what a hassle.",
                       "Payment error in the app, I had to finish on the website.")},
    },
    "delivery_ok": {
        "pos": {"fr": ("Livré en {days} jours, le {plant} était en parfait état.",
                       "Emballage soigné, la plante est arrivée intacte.",
                       "Livraison rapide et livreur très aimable.", "Colis bien protégé, pas une feuille abîmée.",
                       "Reçu plus tôt que prévu, super."),
                "en": ("Delivered in {days} days, my {plant} was in perfect condition.",
                       "Careful packaging, the plant arrived intact.", "Fast delivery and a very friendly driver.",
                       "Well protected parcel, not a single damaged leaf.", "Arrived earlier than expected, great.")},
        "neg": {"fr": ("Livraison correcte mais aucun créneau proposé.", "Le livreur n'a pas sonné, avis de passage."),
                "en": ("Delivery was fine but no time slot offered.", "The driver didn't ring, just left a card.")},
    },
    "delivery_late": {
        "neg": {"fr": ("Livraison en retard : {days} jours au lieu des 48 h annoncées, sans aucune explication.",
                       "Le suivi n'a pas bougé pendant plusieurs jours, colis reçu au bout de {days} jours.",
                       "La plante est restée bloquée au dépôt, {days} jours pour la recevoir, elle avait soif.",
                       "Le nouveau transporteur est une catastrophe : retard et aucun appel.",
                       "Annoncé en 48 h, reçu au bout de {days} jours.",
                       "Colis en retard, j'ai dû relancer deux fois pour savoir où il était."),
                "en": ("Late delivery: {days} days instead of the 48 hours promised, and no explanation.",
                       "Tracking did not move for days; the parcel took {days} days.",
                       "The plant was stuck at the depot, {days} days to get it, and it arrived thirsty.",
                       "The new courier is a disaster: late and no call.",
                       "Promised in 48 hours, received after {days} days.",
                       "Late parcel, I had to chase twice to find out where it was.")},
    },
    "delivery_damaged": {
        "neg": {"fr": ("Plante arrivée abîmée, le pot était cassé.",
                       "Le {plant} est arrivé avec la moitié des feuilles cassées.",
                       "Carton écrasé, terreau partout et tige pliée.",
                       "Colis arrivé mouillé et plante pourrie à la base.",
                       "Deux feuilles arrachées et un pot fendu à l'arrivée."),
                "en": ("The plant arrived damaged and the pot was broken.",
                       "My {plant} arrived with half its leaves snapped.", "Crushed box, soil everywhere and a bent stem.",
                       "The parcel arrived soaked and the plant was rotting at the base.",
                       "Two torn leaves and a cracked pot on arrival.")},
    },
    "setup": {
        "pos": {"fr": ("Le guide d'installation est clair, j'ai scanné le QR code et tout était prêt.",
                       "J'adore le calendrier d'arrosage créé automatiquement.",
                       "Installation de mon {plant} guidée pas à pas, parfait pour une débutante."),
                "en": ("The set-up guide is clear, I scanned the QR code and everything was ready.",
                       "Love the watering calendar created automatically.",
                       "Step-by-step set-up for my {plant}, perfect for a beginner.")},
        "neg": {"fr": ("Le QR code de la plante ne fonctionnait pas.",
                       "Le guide ne dit rien sur le rempotage, j'ai dû chercher ailleurs."),
                "en": ("The plant's QR code did not scan.",
                       "The guide says nothing about repotting, I had to look elsewhere.")},
    },
    "box": {
        "pos": {"fr": ("La box de ce mois était magnifique, un {plant} superbe.", "Toujours une belle surprise dans la box.",
                       "Les plantes du mois sont bien choisies pour la saison."),
                "en": ("This month's box was gorgeous, a superb {plant}.", "Always a lovely surprise in the box.",
                       "The plants of the month are well chosen for the season.")},
        "neg": {"fr": ("La box de ce mois était un peu décevante, plante minuscule.",
                       "Deux fois le même {plant} en trois mois."),
                "en": ("This month's box was a bit disappointing, tiny plant.",
                       "Got the same {plant} twice in three months.")},
    },
    "app": {
        "pos": {"fr": ("Les rappels d'arrosage m'ont sauvé mes plantes !",
                       "L'appli est géniale, je ne rate plus un arrosage.",
                       "J'adore suivre mes plantes dans l'appli, c'est ludique."),
                "en": ("The watering reminders saved my plants!", "The app is brilliant, I never miss a watering now.",
                       "I love tracking my plants in the app, it's fun.")},
        "neg": {"fr": ("Trop de notifications, j'ai fini par les couper.",
                       "Les rappels ne tiennent pas compte de la saison."),
                "en": ("Too many notifications, I ended up turning them off.", "The reminders ignore the season.")},
    },
    "account": {
        "pos": {"fr": ("Sauter un mois se fait en un clic, pratique.", "Changer d'offre a été très simple."),
                "en": ("Skipping a month takes one click, handy.", "Changing my plan was very easy.")},
        "neg": {"fr": ("Impossible de trouver où changer d'offre dans mon compte.",
                       "Mettre à jour ma carte bancaire a été compliqué."),
                "en": ("Couldn't find where to change my plan in my account.", "Updating my card details was a pain.")},
    },
    "support_call": {
        "pos": {"fr": ("Conseillère très compétente, problème réglé en un appel.",
                       "Accueil chaleureux et solution immédiate."),
                "en": ("Very knowledgeable adviser, sorted in one call.", "Warm welcome and an immediate fix.")},
        "neg": {"fr": ("{wait} minutes d'attente avant d'avoir quelqu'un.", "On m'a promis un rappel qui n'est jamais venu.",
                       "J'ai dû rappeler {n} fois et réexpliquer mon problème à chaque fois.",
                       "Attente interminable au téléphone, puis la ligne a coupé."),
                "en": ("Waited {wait} minutes before anyone answered.", "They promised to call me back and never did.",
                       "I had to call {n} times and explain my problem again each time.",
                       "Endless wait on the phone, then the line dropped.")},
    },
    "support_mail": {
        "pos": {"fr": ("Réponse par e-mail rapide et efficace.", "On m'a renvoyé une plante sans discuter."),
                "en": ("Quick and helpful e-mail reply.", "They sent a replacement plant, no questions asked.")},
        "neg": {"fr": ("Réponse type au bout de trois jours, sans rapport avec ma question.",
                       "Toujours pas de réponse à mon e-mail après une semaine."),
                "en": ("Canned reply after three days that didn't answer my question.",
                       "Still no answer to my e-mail after a week.")},
    },
    "support_chat": {
        "pos": {"fr": ("Super réactifs sur WhatsApp, réponse en cinq minutes.",
                       "Le chat WhatsApp est bien plus pratique que le téléphone."),
                "en": ("Super responsive on WhatsApp, answer in five minutes.",
                       "The WhatsApp chat is much handier than calling.")},
        "neg": {"fr": ("Sur WhatsApp on m'a répondu puis plus rien.",
                       ), "en": ("They replied on WhatsApp and then went silent.",)},
    },
    "faq": {
        "pos": {"fr": ("J'ai trouvé la réponse dans la FAQ.",), "en": ("Found the answer in the FAQ.",)},
        "neg": {"fr": ("La FAQ ne répond pas à ma question.",), "en": ("The FAQ doesn't answer my question.",)},
    },
    "cancel": {
        "pos": {"fr": ("Résiliation simple, merci pour tout.",), "en": ("Easy to cancel, thanks for everything.",)},
        "neg": {"fr": ("Résilier est beaucoup trop compliqué, trois écrans pour partir.",
                       "On m'a proposé une remise au lieu de simplement me laisser résilier.",
                       "Je résilie, les plantes ne survivent pas chez moi.",
                       "Je pars, trop de soucis de livraison ces derniers temps."),
                "en": ("Cancelling is far too complicated, three screens just to leave.",
                       "They pushed a discount instead of just letting me cancel.",
                       "Cancelling, the plants don't survive in my flat.",
                       "Leaving, too many delivery problems lately.")},
    },
    "renewal": {
        "pos": {"fr": ("Renouvelé sans hésiter, on adore.", "La remise fidélité m'a convaincue de rester."),
                "en": ("Renewed without hesitation, we love it.", "The loyalty discount convinced me to stay.")},
        "neg": {"fr": ("Le prix du renouvellement a augmenté sans prévenir.",),
                "en": ("The renewal price went up without warning.",)},
    },
    "store": {
        "pos": {"fr": ("Conseils en boutique excellents, le vendeur connaissait parfaitement les calatheas.",
                       "La boutique de {shop} est une pépite, on y passerait des heures.",
                       "Vendeuse passionnée, elle m'a aidé à choisir un {plant} adapté à mon salon sombre."),
                "en": ("Excellent advice in the shop, the assistant really knew calatheas.",
                       "The {shop} shop is a gem, I could spend hours there.",
                       "Passionate staff, they helped me choose a {plant} for my dark living room.")},
        "neg": {"fr": ("Boutique bondée le samedi, personne pour me conseiller.",),
                "en": ("Shop packed on Saturday, nobody available to help.",)},
    },
    "workshop": {
        "pos": {"fr": ("L'atelier rempotage était passionnant, j'ai appris plein de choses.",
                       "La clinique des plantes a sauvé mon {plant}."),
                "en": ("The repotting workshop was fascinating, I learned loads.", "The plant clinic saved my {plant}.")},
        "neg": {"fr": ("Atelier annulé la veille sans explication.",),
                "en": ("Workshop cancelled the day before with no explanation.",)},
    },
    "marketplace": {
        "pos": {"fr": ("Commande via la marketplace sans problème.",
                       ), "en": ("Ordered through the marketplace, no problem.",)},
        "neg": {"fr": ("Difficile de savoir qui contacter entre la marketplace et Verdure.",),
                "en": ("Hard to know whom to contact, the marketplace or Verdure.",)},
    },
    "general": {
        "pos": {"fr": ("Je recommande Verdure à tous mes amis.", "Des plantes en pleine forme et un service au top.",
                       "Mon appartement est devenu une jungle grâce à vous !", "Qualité des plantes irréprochable."),
                "en": ("I recommend Verdure to all my friends.", "Healthy plants and top service.",
                       "My flat has become a jungle thanks to you!", "Plant quality is spot on.")},
        "neg": {"fr": ("Le service s'est dégradé ces derniers mois.", "Trop de problèmes pour le prix payé.",
                       "Déçu, je ne recommanderais pas pour l'instant."),
                "en": ("Service has gone downhill in recent months.", "Too many problems for the price.",
                       "Disappointed, I wouldn't recommend it right now.")},
    },
}
OPENERS = {
    "pos": {"fr": ("Super expérience.", "Très contente !", "Franchement top.", "Parfait.", "Ravi."),
            "en": ("Great experience.", "Really happy!", "Spot on.", "Honestly brilliant.", "Perfect.")},
    "neg": {"fr": ("Très déçu.", "Franchement décevant.", "Quelle galère.", "Inadmissible.", "Pas satisfaite du tout."),
            "en": ("Very disappointed.", "Honestly poor.", "What a hassle.", "Unacceptable.", "Not happy at all.")},
    "neu_pos": {"fr": ("Dans l'ensemble correct.", "Ça va."), "en": ("Fine overall.", "It's OK.")},
    "neu_neg": {"fr": ("Bof.", "Mitigé."), "en": ("Meh.", "Mixed feelings.")},
}
CLOSERS = {
    "pos": {"fr": ("Merci !", "Continuez comme ça.", "Je recommande."),
            "en": ("Thanks!", "Keep it up.", "Highly recommend.")},
    "neg": {"fr": ("Je vais réfléchir avant de renouveler.", "À améliorer d'urgence.",
                   "Dommage, les plantes sont belles pourtant."),
            "en": ("Thinking twice before renewing.", "Needs fixing urgently.", "Shame, because the plants are lovely.")},
}
PERSONA_FRAGMENTS = {
    _BARGAIN: {"fr": ("C'est quand même cher pour une plante de cette taille.", "J'attends les promos pour commander.",
                      "Sans le code de réduction je n'aurais pas commandé.",
                      "Les frais de port font vite grimper la note.", "Trop cher par rapport à la jardinerie d'à côté."),
               "en": ("Still pricey for a plant that size.", "I wait for the promotions before ordering.",
                      "Wouldn't have ordered without the discount code.", "Delivery fees push the price up fast.",
                      "Too expensive compared with the garden centre nearby.")},
    _EXPERT: {"fr": ("Le substrat était trop compact pour un {plant}, j'ai dû ajouter de la pouzzolane.",
                     "Racines saines et bon drainage, on voit que les plantes sont cultivées sérieusement.",
                     "Il faudrait indiquer l'exposition idéale et l'hygrométrie sur l'étiquette.",
                     "Pot de culture un peu petit, rempotage à prévoir au printemps.",
                     "J'aimerais des variétés plus rares, des hoyas ou des anthuriums par exemple.",
                     "Pensez à préciser la dureté d'eau conseillée, les calatheas y sont sensibles."),
              "en": ("The substrate was too dense for a {plant}, I had to add perlite.",
                     "Healthy roots and good drainage, you can tell the plants are grown properly.",
                     "The label should give the ideal light and humidity.",
                     "Nursery pot slightly small, it will need repotting in spring.",
                     "I'd love rarer varieties, hoyas or anthuriums for instance.",
                     "Please say which water hardness suits them, calatheas are sensitive to it.")},
    _GIFT: {"fr": ("C'était un cadeau pour l'anniversaire de ma mère.", "Offert à une amie qui emménage, elle était ravie.",
                   "Le message cadeau n'était pas imprimé sur la carte.", "Pratique pour un cadeau de dernière minute."),
            "en": ("It was a birthday present for my mum.", "A gift for a friend who just moved in, she loved it.",
                   "The gift message wasn't printed on the card.", "Handy for a last-minute present.")},
    _APP: {"fr": ("Tout se fait depuis l'appli, c'est ce que je préfère.", "J'utilise l'appli tous les jours."),
           "en": ("I do everything from the app, that's what I like.", "I use the app every day.")},
}
PII_SENTENCES = {
    "fr": ("Vous pouvez me joindre au {phone}.", "Rappelez-moi au {phone} svp.", "Mon e-mail : {email}.",
           "Écrivez-moi à {email} pour le remboursement."),
    "en": ("Call me on {phone}.", "You can reach me at {email}.", "My number is {phone}, please call back.",
           "Please email {email} about the refund."),
}
FIRST_NAMES = {"fr": ("marie", "camille", "lea", "julien", "thomas", "nicolas", "sophie", "claire", "antoine",
                      "lucie", "hugo", "manon", "chloe", "pierre"),
               "en": ("james", "olivia", "emily", "harry", "sophie", "jack", "amelia", "george", "charlotte",
                      "oliver", "grace", "thomas")}
LAST_NAMES = {"fr": ("dupont", "martin", "bernard", "moreau", "laurent", "girard", "fournier", "lefebvre", "mercier",
                     "blanc", "garnier", "faure", "rousseau", "morel"),
              "en": ("smith", "jones", "taylor", "brown", "wilson", "evans", "davies", "walker", "wright", "hughes",
                     "clarke", "patel")}


def _email(rng: np.random.Generator, lang: str) -> str:
    domain = ("example.fr", "example.com", "example.org")[rng.integers(3)] if lang == "fr" else (
        ("example.com", "example.org")[rng.integers(2)])
    return f"{rng.choice(FIRST_NAMES[lang])}.{rng.choice(LAST_NAMES[lang])}@{domain}"


def _phone(rng: np.random.Generator, lang: str) -> str:
    if lang == "fr":
        a, b = rng.integers(0, 100, 2)
        return f"06 39 98 {a:02d} {b:02d}" if rng.random() < .6 else f"+33 6 39 98 {a:02d} {b:02d}"
    number = rng.integers(0, 1000)
    return f"+44 7700 900{number:03d}" if rng.random() < .6 else f"07700 900{number:03d}"


def _fill(rng: np.random.Generator, text: str, lang: str, days: float = 0) -> str:
    slots = {"plant": PLANTS[lang][rng.integers(len(PLANTS[lang]))], "days": max(2, int(round(days))) if days else
             int(rng.integers(2, 5)), "n": int(rng.integers(2, 5)), "wait": int(rng.integers(3, 12)) * 5,
             "shop": SHOPS[lang][rng.integers(len(SHOPS[lang]))]}
    return text.format(**slots)


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[rng.integers(len(options))]


def _verbatim(rng: np.random.Generator, topic: str, score: float, lang: str, persona: int, days: float) -> str:
    """A free-text answer about ``topic`` whose tone follows the latent ``score`` (-2..2)."""
    mood = "neg" if score < -.4 else "pos" if score > .4 else "neu"
    bank = FRAGMENTS[topic]
    tone = mood if mood in bank else ("neg" if "neg" in bank and (score < 0 or "pos" not in bank) else "pos")
    main = list(bank[tone][lang])
    parts = []
    if rng.random() < .45:
        parts.append(_pick(rng, OPENERS[mood if mood != "neu" else f"neu_{tone}"][lang]))
    first = main.pop(rng.integers(len(main)))
    parts.append(_fill(rng, first, lang, days))
    if main and rng.random() < (.5 if persona == _EXPERT else .2):
        parts.append(_fill(rng, _pick(rng, tuple(main)), lang, days))
    extra = PERSONA_FRAGMENTS[persona][lang]
    if persona == _EXPERT:
        chosen = rng.choice(len(extra), 1 + int(rng.random() < .6), replace=False)
        parts += [_fill(rng, extra[i], lang) for i in chosen]
    elif persona == _BARGAIN and score < .6 and rng.random() < .7:
        parts.append(_pick(rng, extra))
    elif persona == _GIFT and rng.random() < .5:
        parts.append(_pick(rng, extra))
    elif persona == _APP and score > 0 and rng.random() < .3:
        parts.append(_pick(rng, extra))
    if mood != "neu" and rng.random() < .3:
        parts.append(_pick(rng, CLOSERS[mood][lang]))
    return ("\n" if rng.random() < .01 else " ").join(parts)


# ---------------------------------------------------------------------------------------------------------
# Tables as the company's tools export them

_PERSONA_SCORE = np.array([.35, -.45, .15, .05])
_PERSONA_NPS = np.array([1.4, -2.0, .6, .3])
_PERSONA_RESPONDS = np.array([1.0, .8, 1.7, .6])
_PERSONA_WRITES = np.array([.5, .6, .85, .45])
_EFFORT_CODES = {"CHECKOUT_WEB", "CHECKOUT_APP", "STORE", "PHONE_ORDER", "MARKETPLACE", "ACCOUNT", "CALL",
                 "MAIL_SUPPORT", "", "CANCEL", "RENEWAL", "FAQ"}


def _iso(seconds: np.ndarray, suffix: str) -> list[str]:
    stamps = pd.to_datetime(np.floor(seconds).astype(np.int64), unit="s").strftime("%Y-%m-%dT%H:%M:%S")
    return [stamp + suffix for stamp in stamps]


def _survey(rng: np.random.Generator, cust, journeys: pd.DataFrame, events: pd.DataFrame, ids: np.ndarray):
    """Survey answers triggered by what happened to each customer (one row per answer)."""
    j = journeys
    triggers = []

    def add(mask, journey_rows, time, code, topic, base, rate, days=None):
        rows = np.flatnonzero(mask)
        rows = rows[rng.random(len(rows)) < rate * _PERSONA_RESPONDS[j["persona"].to_numpy()[journey_rows[rows]]]]
        code = np.broadcast_to(np.asarray(code, dtype=object), mask.shape)[rows]
        topic = np.broadcast_to(np.asarray(topic, dtype=object), mask.shape)[rows]
        base = np.broadcast_to(np.asarray(base, dtype=float), mask.shape)[rows]
        days = np.zeros(len(rows)) if days is None else np.asarray(days)[rows]
        triggers.append(pd.DataFrame({"journey": journey_rows[rows], "time": np.asarray(time)[rows], "code": code,
                                      "topic": topic, "base": base, "days": days}))

    rows = np.arange(len(j))
    pc, trouble = j["purchase_channel"].to_numpy(), j["pay_trouble"].to_numpy()
    quarter = j["quarter"].to_numpy()
    code = np.where(trouble, "CHECKOUT_APP", np.array(["CHECKOUT_WEB", "CHECKOUT_APP", "STORE", "PHONE_ORDER",
                                                        "MARKETPLACE"], dtype=object)[pc])
    topic = np.where(trouble, "payment_retry", np.array(["checkout", "checkout", "store", "checkout", "marketplace"],
                                                        dtype=object)[pc])
    base = np.where(trouble, -1.1, np.array([.5, .6, 1.3, .9, .3])[pc])
    add(j["success"].to_numpy(), rows, j["t_order"].to_numpy(), code, topic, base, .2)
    add(j["pay_abandon"].to_numpy(), rows, j["t_last_fail"].to_numpy(), "CHECKOUT_APP", "payment_failed", -1.7, .30)
    late, damaged = j["late"].to_numpy(), j["damaged"].to_numpy()
    onboard = j["onboard"].to_numpy()
    topic = np.where(damaged, "delivery_damaged", np.where(late, "delivery_late", "delivery_ok"))
    base = .9 - .6 * (quarter == 1) - 1.3 * late - 1.9 * damaged - .5 * j["failed_attempt"].to_numpy()
    add(onboard, rows, j["t_delivery"].to_numpy(), "DELIVERY_1", topic, base, .2, days=j["lag"].to_numpy())
    add(j["setup"].to_numpy(), rows, j["t_delivery"].to_numpy() + _DAY, "SETUP_GUIDE", "setup",
        1.0 - 1.2 * damaged, .07)
    kind, fcr = j["support_kind"].to_numpy(), j["fcr"].to_numpy()
    incident = np.isin(j["reason"].to_numpy(), (_PAY, _DAMAGED, _LATE))
    code = np.array(["", "CALL", "MAIL_SUPPORT", ""], dtype=object)[np.maximum(kind, 0)]
    topic = np.array(["faq", "support_call", "support_mail", "support_chat"], dtype=object)[np.maximum(kind, 0)]
    base = np.array([0, -1.7, -.4, .4])[np.maximum(kind, 0)] + .7 * fcr - .5 * incident
    add(kind > 0, rows, j["contact"].to_numpy() + _DAY * (1 + 2 * ~fcr), code, topic, base, .22)
    relational = .4 - .8 * trouble - .5 * late - 1.0 * damaged - .6 * j["churn"].to_numpy()
    span = j["end"].to_numpy() - j["start"].to_numpy()
    add(np.ones(len(j), dtype=bool), rows, j["start"].to_numpy() + rng.random(len(j)) * span, "", "general",
        relational, .05)

    name = np.array(EVENT_NAMES, dtype=object)[events["code"].to_numpy()]
    ev_rows = events["journey"].to_numpy()
    for event, rate, code, topic, base in (
            ("box_delivered", .015, "BOX", "box", .8), ("push_reminder_open", .004, "APP_REMINDERS", "app", 1.2),
            ("account_view", .004, "ACCOUNT", "account", .2), ("faq_view", .03, "FAQ", "faq", 0.0),
            ("store_visit", .06, "STORE_ADVICE", "store", 1.4), ("workshop_checkin", .015, "WORKSHOP", "workshop", 1.5),
            ("cancel_confirm", .30, "CANCEL", "cancel", -.9), ("renew_confirm", .12, "RENEWAL", "renewal", .5)):
        mask = (name == event) & (ev_rows >= 0)
        add(mask, np.maximum(ev_rows, 0), events["time"].to_numpy().astype(float), code, topic, base, rate)

    t = pd.concat(triggers, ignore_index=True)
    jr = t["journey"].to_numpy()
    persona = j["persona"].to_numpy()[jr]
    customer = j["customer"].to_numpy()[jr]
    q = quarter[jr]
    n = len(t)
    score = t["base"].to_numpy() + _PERSONA_SCORE[persona] + rng.normal(0, .55, n)
    nps = np.clip(np.round(6.4 + 1.35 * score + _PERSONA_NPS[persona] + rng.normal(0, 1.2, n)), 0, 10)
    csat = np.clip(np.round(3.45 + .95 * score + rng.normal(0, .45, n)), 1, 5)
    ces = np.clip(np.round(3.0 - 1.05 * score + rng.normal(0, .6, n)), 1, 7)
    codes = t["code"].to_numpy()
    relational = t["topic"].to_numpy() == "general"
    effort = np.isin(codes, list(_EFFORT_CODES)) & ~relational
    nps = np.where((rng.random(n) < np.where(relational, .97, .66)), nps, np.nan)
    csat = np.where(~relational & (rng.random(n) < .95), csat, np.nan)
    ces = np.where(effort & (rng.random(n) < .9), ces, np.nan)
    day = np.floor(t["time"].to_numpy() / _DAY) * _DAY
    submitted = day + rng.choice([0, 1, 1, 2, 3], n) * _DAY + rng.uniform(8, 22, n) * _HOUR
    submitted = np.where(submitted <= t["time"].to_numpy(), t["time"].to_numpy() + rng.uniform(300, 3600, n),
                         submitted)
    submitted = np.minimum(submitted, _Q_END[q] - rng.uniform(3, 12, n) * _HOUR)
    lang = np.where(cust["lang_fr"][customer], "fr", "en")
    writes = rng.random(n) < np.clip(_PERSONA_WRITES[persona] + .2 * (score < -.4), 0, 1)
    topics, days = t["topic"].to_numpy(), t["days"].to_numpy()
    verbatim = np.array([_verbatim(rng, topics[i], score[i], lang[i], persona[i], days[i])
                         if writes[i] else "" for i in range(n)], dtype=object)
    written = np.flatnonzero(verbatim != "")
    pii = np.sort(rng.choice(written, int(round(PII_RATE * len(written))), replace=False))
    for i in pii:
        sentence = _pick(rng, PII_SENTENCES[lang[i]])
        verbatim[i] += " " + sentence.format(email=_email(rng, lang[i]), phone=_phone(rng, lang[i]))
    order = np.lexsort((customer, submitted))
    frame = pd.DataFrame({
        "respondent": ids[customer], "submitted_at": _iso(submitted, "+02:00"), "touchpoint_code": codes,
        "nps": nps, "csat": csat, "ces": ces, "verbatim": verbatim, "lang": lang,
    }).iloc[order].reset_index(drop=True)
    truth = pd.DataFrame({"quarter": q, "persona": persona, "score": score, "topic": topics,
                          "pii": np.isin(np.arange(n), pii)}).iloc[order].reset_index(drop=True)
    frame.insert(0, "response_id", [f"R{i:06d}" for i in range(1, len(frame) + 1)])
    wrong = rng.choice(np.flatnonzero(frame["nps"].notna().to_numpy()), N_NPS_OUT_OF_RANGE, replace=False)
    frame.loc[wrong, "nps"] = NPS_OUT_OF_RANGE_VALUE
    plain = np.flatnonzero(~truth["pii"].to_numpy() & ~np.isin(np.arange(len(frame)), wrong))
    copies = np.sort(rng.choice(plain, N_DUPLICATE_SURVEY_ROWS, replace=False))
    position = np.sort(np.concatenate([np.arange(len(frame)), copies]), kind="stable")
    frame, truth = frame.iloc[position].reset_index(drop=True), truth.iloc[position].reset_index(drop=True)
    for column in ("nps", "csat", "ces"):
        frame[column] = frame[column].astype("Int64")
    return frame, truth


_GENERAL_TOPICS = {
    _APP: ("App bug", "Account access", "Plant care advice", "Billing", "Subscription change"),
    _BARGAIN: ("Billing", "Subscription change", "Promo code", "Refund", "Missing item"),
    _EXPERT: ("Plant care advice", "Subscription change", "Missing item", "Billing", "Plant care advice"),
    _GIFT: ("Gift message", "Delivery address", "Billing"),
}
_TOPIC_CODES = {"Payment failed": "CHECKOUT_APP", "Late delivery": "DELIVERY_1", "Damaged plant": "DELIVERY_1",
                "Cancellation": "CANCEL", "App bug": "APP_REMINDERS", "Subscription change": "ACCOUNT",
                "Missing item": "BOX", "Promo code": "CHECKOUT_WEB", "Delivery address": "DELIVERY_1"}


def _tickets(rng: np.random.Generator, journeys: pd.DataFrame, ids: np.ndarray) -> pd.DataFrame:
    """One helpdesk ticket per contact with an adviser (phone, e-mail or WhatsApp)."""
    j = journeys[journeys["support_kind"] > 0].reset_index(drop=True)
    n = len(j)
    kind, fcr, reason, persona = (j[c].to_numpy() for c in ("support_kind", "fcr", "reason", "persona"))
    created = j["contact"].to_numpy() - 2 * _HOUR  # the helpdesk exports UTC; the company lives in Paris time
    minutes = np.select([kind == _CALL, kind == _CHAT], [rng.uniform(3, 25, n), rng.uniform(10, 120, n)],
                        rng.uniform(180, 2400, n))
    duration = np.where(fcr, minutes * 60, rng.uniform(1, 6, n) * _DAY)
    resolved = np.where(rng.random(n) < .03, np.nan, created + duration)
    topic = np.empty(n, dtype=object)
    for value, name in ((_PAY, "Payment failed"), (_DAMAGED, "Damaged plant"), (_LATE, "Late delivery"),
                        (_CANCEL, "Cancellation")):
        topic[reason == value] = name
    for p, options in _GENERAL_TOPICS.items():
        mask = (reason == _GENERAL) & (persona == p)
        topic[mask] = np.array(options, dtype=object)[rng.integers(len(options), size=mask.sum())]
    touchpoint = np.array([_TOPIC_CODES.get(t) for t in topic], dtype=object)
    incident = np.isin(reason, (_PAY, _DAMAGED, _LATE))
    rating = np.clip(np.round(3.3 + 1.1 * fcr - .6 * incident + _PERSONA_SCORE[persona] + rng.normal(0, .8, n)), 1, 5)
    rated = rng.random(n) < .55
    via = np.where(kind == _CALL, "Call centre", np.where(kind == _CHAT, UNMAPPED_CHANNEL_RAW,
                                                          np.where(rng.random(n) < .6, "Web", "E-mail")))
    order = np.argsort(created, kind="stable")
    bad = rng.choice(np.flatnonzero(~np.isnan(resolved)), N_TICKETS_RESOLVED_BEFORE_CREATED, replace=False)
    resolved[bad] = created[bad] - rng.uniform(1, 30, len(bad)) * _HOUR
    created_text = _iso(created, "Z")
    resolved_text = [None if np.isnan(value) else text for value, text in
                     zip(resolved, _iso(np.nan_to_num(resolved), "Z"))]
    records = pd.DataFrame({
        "client": ids[j["customer"].to_numpy()], "created": created_text, "resolved": resolved_text, "via": via,
        "topic": topic, "fcr": fcr.astype(bool), "rating": [int(r) if ok else None for r, ok in zip(rating, rated)],
        "touchpoint": touchpoint, "quarter": j["quarter"].to_numpy(), "reason": reason,
    }).iloc[order].reset_index(drop=True)
    records.insert(0, "id", [f"TCK-{i:06d}" for i in range(100_001, 100_001 + n)])
    return records


def _crm(rng: np.random.Generator, cust, state, ids: np.ndarray) -> pd.DataFrame:
    """The CRM export as French Excel writes it: text cells, French headers, dd/mm/yyyy, decimal comma."""
    n = len(ids)
    persona = cust["persona"]

    def date(seconds: np.ndarray) -> np.ndarray:
        text = pd.to_datetime(np.nan_to_num(seconds).astype(np.int64), unit="s").strftime("%d/%m/%Y").to_numpy()
        return np.where(np.isnan(seconds), "", text)

    purchased = state["purchased"]
    price = np.where(purchased, cust["price"], 0.0)
    churned = ~np.isnan(state["churn_time"])
    segment_truth = np.array(SEGMENTS[:4], dtype=object)[persona]
    segment = np.where(rng.random(n) < .5, segment_truth, np.array(SEGMENTS, dtype=object)[rng.integers(5, size=n)])

    def blank(values: np.ndarray, share: float) -> np.ndarray:
        return np.where(rng.random(n) < share, "", values)

    frame = pd.DataFrame({
        "N° client": ids,
        "Civilité": np.where(cust["woman"], "Mme", "M."),
        "Date d'inscription": date(state["signup"]),
        "Pays": np.where(cust["france"], "France", "Royaume-Uni"),
        "Région": blank(cust["region"], .004),
        "Offre": np.where(purchased, np.array(PLANS, dtype=object)[cust["plan"]], "Aucune"),
        "Panier mensuel (€)": [f"{value:.2f}".replace(".", ",") for value in price],
        "Nb commandes": np.where(purchased, np.maximum(state["orders"], 1), 0).astype(str),
        "Résilié": np.where(churned, "Oui", "Non"),
        "Date de résiliation": date(state["churn_time"]),
        "Âge": blank(cust["age"].astype(str), .015),
        "Langue": np.where(cust["lang_fr"], "Français", "Anglais"),
        "Segment marketing": blank(segment, .005),
        "Canal d'acquisition": np.array(ACQUISITION, dtype=object)[cust["acquisition"]],
        "Opt-in e-mail": np.where(cust["optin"], "Oui", "Non"),
    })
    return frame.sort_values("N° client", kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------------
# Interviews: questions and answers by stage; answers are tagged with the personas and facts they fit

INTERVIEW_QUESTIONS = {
    "fr": {
        "discover": {"A": ("Pour commencer, comment avez-vous entendu parler de Verdure ?",
                           "Vous souvenez-vous de votre tout premier contact avec Verdure ?"),
                     "B": ("Qu'est-ce qui vous a donné envie d'aller plus loin à ce moment-là ?",
                           "Qu'est-ce qui vous a attiré, par rapport à d'autres marques ?")},
        "consider": {"A": ("Comment avez-vous choisi votre plante, ou votre offre ?",
                           "Comment avez-vous fait votre choix ?"),
                     "B": ("Qu'est-ce qui vous a fait hésiter ?",
                           "Avez-vous comparé avec d'autres enseignes, ou demandé conseil à quelqu'un ?"),
                     "C": ("Autre chose sur ce moment du choix ?",)},
        "purchase": {"A": ("Comment s'est passée la commande ?",
                           "Par quel canal avez-vous commandé, et comment ça s'est passé ?"),
                     "B": ("Et le paiement, qu'en avez-vous pensé ?",
                           "Y a-t-il quelque chose que vous changeriez dans cette étape ?"),
                     "C": ("Pourquoi Verdure plutôt qu'une autre enseigne, au final ?",)},
        "onboard": {"A": ("Parlons de la livraison. Comment ça s'est passé ?",
                          "Dans quel état la plante est-elle arrivée ?"),
                    "B": ("Et l'installation, les premiers jours avec la plante ?",
                          "Comment se sont passés les premiers jours ?"),
                    "C": ("Et la personne qui a reçu la plante, qu'en a-t-elle dit ?",)},
        "use": {"A": ("Et maintenant, au quotidien, comment ça se passe avec l'abonnement ?",
                      "Utilisez-vous l'application ou les services en boutique ? Pour quoi faire ?"),
                "B": ("Qu'est-ce qui vous plaît le plus, et le moins, dans la box mensuelle ?",
                      "Qu'est-ce que vous amélioreriez dans l'abonnement ?")},
        "support": {"A": ("Avez-vous eu besoin de contacter le service client ?",
                          "Avez-vous déjà eu affaire au service client ? Par quel moyen ?"),
                    "B": ("Qu'en avez-vous retenu ?", "Qu'est-ce qui pourrait être amélioré, selon vous ?")},
        "renew": {"A": ("Votre engagement arrivait à échéance. Qu'avez-vous décidé ?",
                        "Où en êtes-vous avec votre abonnement aujourd'hui ?"),
                  "B": ("Qu'est-ce qui a pesé dans votre décision ?",
                        "Qu'est-ce qui vous ferait rester, ou partir ?")},
    },
    "en": {
        "discover": {"A": ("To start with, how did you first hear about Verdure?",
                           "Do you remember your very first contact with Verdure?"),
                     "B": ("What made you want to find out more at that point?",
                           "What drew you in, compared with other brands?")},
        "consider": {"A": ("How did you choose your plant, or your plan?", "How did you make your choice?"),
                     "B": ("Was there anything that made you hesitate?",
                           "Did you compare with other shops, or ask anyone for advice?"),
                     "C": ("Anything else about choosing?",)},
        "purchase": {"A": ("How did ordering go?", "Which channel did you order through, and how did it go?"),
                     "B": ("And paying, what did you make of it?", "Is there anything you'd change about that step?"),
                     "C": ("Why Verdure rather than another shop, in the end?",)},
        "onboard": {"A": ("Let's talk about the delivery. How did it go?",
                          "What state was the plant in when it arrived?"),
                    "B": ("And setting it up, the first few days with the plant?", "How did the first few days go?"),
                    "C": ("And the person who received it, what did they say?",)},
        "use": {"A": ("And now, day to day, how is the subscription going?",
                      "Do you use the app or the services in the shops? What for?"),
                "B": ("What do you like most, and least, about the monthly box?",
                      "What would you improve about the subscription?")},
        "support": {"A": ("Have you ever needed to contact customer service?",
                          "Have you ever dealt with customer service? How did you get in touch?"),
                    "B": ("What did you take away from it?", "What could be better, in your view?")},
        "renew": {"A": ("Your commitment was coming to an end. What did you decide?",
                        "Where are you with your subscription today?"),
                  "B": ("What weighed most in that decision?", "What would make you stay, or leave?")},
    },
}

# stage -> ((slot persona-or-any [facts...], text), ...); slot A says what happened, B what the customer
# thinks of it, C is an optional extra; an answer is used only when its facts are true for the customer
INTERVIEW_QUOTES: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "fr": {
        "discover": (
            ("A app", "Sur Instagram, clairement. Je suis beaucoup de comptes de plantes d'intérieur et une vidéo "
                      "de Verdure est passée dans mon fil, avec un {plant} énorme dans un petit appart. J'ai "
                      "cliqué, j'ai téléchargé l'appli dans la foulée."),
            ("A app", "C'est une copine qui m'a envoyé le lien de l'appli. Elle avait déjà trois plantes de chez eux "
                      "et elle ne parlait que des rappels d'arrosage. Je me suis dit pourquoi pas, j'ai installé "
                      "l'appli le soir même."),
            ("A bargain", "J'ai vu une pub sur Google en cherchant « plante pas chère livrée ». Il y avait moins "
                          "30 % sur le premier mois, c'est vraiment ça qui m'a fait cliquer. Sans la promo, je ne "
                          "serais sans doute pas allé voir."),
            ("A bargain", "Par la newsletter, en fait. Je m'étais inscrite pour un code de réduction il y a "
                          "longtemps, et un jour il y avait une offre sur la box Découverte."),
            ("A expert", "Je connaissais la boutique de {shop} avant de connaître le site. J'y suis passé un "
                         "samedi, j'ai discuté une bonne demi-heure avec le vendeur sur les calatheas et les bouts "
                         "de feuilles qui sèchent."),
            ("A expert", "Sur une marketplace de jardinage où j'achète mes substrats. La fiche était bien faite, "
                         "avec le nom botanique exact, ce qui est rare. Ensuite je suis allé voir leur propre site, "
                         "puis la boutique."),
            ("A gift", "Je cherchais un cadeau pour l'anniversaire de ma sœur, quelque chose d'un peu original. Je "
                       "suis tombée sur une publication Instagram avec les coffrets cadeaux et ça avait l'air joli, "
                       "tout simplement."),
            ("A gift", "En cherchant « idée cadeau crémaillère » sur Google. Verdure est sorti dans les annonces, "
                       "j'ai cliqué sans trop y croire."),
            ("A any", "Honnêtement je ne sais plus très bien. Je crois que j'ai vu leurs camionnettes vertes dans "
                      "mon quartier, puis une pub, et à force le nom est resté."),
            ("B app", "Le ton, je crois. C'était drôle, pas prétentieux, et l'appli avait l'air vraiment bien "
                      "faite. Les autres sites de plantes ressemblent tous à des catalogues de jardinerie."),
            ("B bargain", "Le prix d'appel, clairement. Je me suis dit qu'à ce tarif-là je ne risquais pas grand-"
                          "chose, et que je pourrais toujours arrêter. J'ai quand même comparé avec la jardinerie "
                          "à côté de chez moi."),
            ("B expert", "La qualité des plantes. Je suis exigeant, je cultive depuis trente ans, et ce que j'ai vu "
                         "était au niveau des bons pépiniéristes. Le vendeur connaissait son sujet, ça m'a donné "
                         "confiance."),
            ("B gift", "L'idée d'offrir quelque chose de vivant. Un bouquet, c'est fané en une semaine ; une plante, "
                       "on la garde des années. Et les coffrets étaient vraiment jolis sur les photos."),
        ),
        "consider": (
            ("A app", "Tout dans l'appli. On indique la lumière de la pièce, si on a un chat, et elle propose trois "
                      "plantes. J'ai pris la première suggestion, un {plant}, parce que la photo était superbe et "
                      "qu'elle était notée « facile »."),
            ("A app", "J'ai passé du temps sur le catalogue de l'appli, c'est un peu addictif. J'ai mis cinq ou six "
                      "plantes en favoris avant de me décider pour l'offre Classique."),
            ("A bargain", "J'ai fait le quiz sur le site, mais surtout j'ai regardé les prix. J'avais trois onglets "
                          "ouverts avec d'autres sites, et Verdure était plus cher, sauf avec le code promo. Du "
                          "coup j'ai pris la box Découverte, la moins chère."),
            ("A expert", "Je suis retourné en boutique pour voir les plantes en vrai. Je regarde toujours les "
                         "racines, le revers des feuilles, s'il y a des thrips. Tout était propre. Le vendeur m'a "
                         "même déconseillé une plante trop fragile pour ma véranda."),
            ("A gift", "J'ai fait le quiz « quelle plante offrir ». C'était rapide, trois questions, et il m'a "
                       "proposé un {plant} avec un joli cache-pot. Je ne connais rien aux plantes, donc ça m'a bien "
                       "aidée."),
            ("B app", "Pas vraiment d'hésitation. Le seul doute, c'était la livraison : je suis souvent absente, et "
                      "je ne savais pas si on pouvait choisir un créneau."),
            ("B bargain", "Ce qui m'a fait hésiter, c'est l'engagement. Je voulais être sûr de pouvoir arrêter quand "
                          "je voulais. J'ai cherché longtemps dans la FAQ avant de trouver l'information."),
            ("B expert", "Sur le site, les fiches manquent de précision pour quelqu'un comme moi : pas "
                         "d'hygrométrie, pas de température minimale. J'ai appelé pour avoir les informations, ils "
                         "ont été corrects."),
            ("B gift", "J'hésitais entre un bouquet et une plante. Ce qui m'a décidée, c'est que la plante dure plus "
                       "longtemps et qu'on pouvait ajouter un message."),
            ("B any", "J'ai lu pas mal d'avis clients. Beaucoup d'avis très positifs sur la qualité des plantes, "
                      "quelques-uns négatifs sur la livraison, mais rien d'alarmant à ce moment-là."),
            ("C any", "Ce que j'ai aimé, c'est qu'on ne me pousse pas à prendre la plus chère. Le quiz m'a même "
                      "proposé une petite plante à quinze euros."),
        ),
        "purchase": (
            ("A app payfail", "Alors là, c'était l'enfer. En avril, le paiement a échoué trois fois dans l'appli. "
                              "Ça tournait après le 3D Secure, puis message « paiement refusé ». Ma banque m'a "
                              "confirmé que rien n'était bloqué de son côté. J'ai fini par passer par le site depuis "
                              "l'ordinateur, et là ça a marché du premier coup."),
            ("A app payfail", "Le paiement a échoué, tout simplement. J'ai réessayé le lendemain, pareil. J'ai écrit "
                              "au service client qui m'a répondu que c'était « un problème connu ». J'ai failli "
                              "laisser tomber, et je connais deux personnes qui ont abandonné à cause de ça."),
            ("A app", "Dans l'appli, trois clics et c'était fait. Paiement avec le téléphone, rien à saisir. C'est "
                      "exactement ce que j'attends d'une appli aujourd'hui."),
            ("A bargain", "Sur le site. Le code promo ne passait pas au début, il fallait le mettre dans un champ "
                          "caché en bas du panier. Une fois trouvé, c'était rapide. J'ai pris l'engagement de trois "
                          "mois parce que c'était moins cher."),
            ("A expert", "En boutique, sur la tablette du vendeur. Il a tout rempli avec moi, j'ai signé, c'était "
                         "réglé en cinq minutes. Je préfère ça à un site, on peut poser des questions."),
            ("A expert", "Par téléphone, parce que je voulais ajouter deux plantes qui n'étaient pas dans l'offre "
                         "Passion. La conseillère a été patiente, elle connaissait bien le catalogue."),
            ("A gift", "Sur le site, depuis mon téléphone. J'ai choisi le coffret, l'adresse, la date, payé par "
                       "carte. Le seul souci, c'est le champ du message cadeau : limité à cent caractères, j'ai dû "
                       "raccourcir mon texte."),
            ("A any", "Rien à signaler, franchement. Une commande comme une autre, le mail de confirmation est "
                      "arrivé tout de suite."),
            ("B app payfail", "Ce qui m'a le plus agacée, c'est qu'aucun message n'expliquait quoi faire. Un simple "
                              "« réessayez sur le site » m'aurait fait gagner une heure. Pour une appli qui se veut "
                              "moderne, c'est dommage."),
            ("B app", "Le paiement en un geste, c'est ce qui fait que je commande depuis l'appli plutôt que depuis "
                      "l'ordinateur. Si ça devenait compliqué, je crois que je commanderais moins."),
            ("B bargain", "J'aimerais voir le prix total dès le départ. Les frais de livraison, je les ai découverts "
                          "à la fin. Quand on a un budget serré, trois euros de plus, ça compte."),
            ("B expert", "Aucune difficulté pour payer. En revanche, je regrette qu'on ne puisse pas composer sa box "
                         "Passion soi-même, plante par plante."),
            ("B gift", "J'aurais aimé pouvoir choisir la date de livraison exacte, pour que ça arrive le jour de "
                       "l'anniversaire et pas deux jours avant."),
            ("B any", "Rien à changer, le mail de confirmation est clair, avec le récapitulatif et la date de "
                      "livraison estimée."),
            ("C gift", "Pour être honnête, surtout parce que la livraison était offerte au-dessus de quarante euros, "
                       "et le coffret était juste au-dessus. Et parce que c'était joli, tout simplement."),
        ),
        "onboard": (
            ("A any late", "Très mal. On m'annonçait 48 heures, j'ai attendu {days} jours. Le suivi est resté "
                           "bloqué sur « en cours d'acheminement » pendant presque une semaine. Personne ne m'a "
                           "prévenu. Quand la plante est arrivée, elle avait clairement soif."),
            ("A any late", "Depuis cet été, c'est un autre transporteur, ça se voit. Le livreur n'a pas sonné, il a "
                           "laissé un avis de passage alors que j'étais chez moi. Au total {days} jours pour "
                           "récupérer le colis au point relais."),
            ("A any damaged", "Le carton était écrasé sur un coin, et en ouvrant, le pot était fendu, il y avait du "
                              "terreau partout. Deux grandes feuilles étaient cassées. J'ai envoyé des photos, ils "
                              "m'en ont renvoyé une autre, mais c'était une vraie déception."),
            ("A any ontime", "Impeccable. Livrée en deux jours, emballage en carton recyclé très bien calé, pas une "
                             "feuille abîmée. Il y avait même une petite carte avec les consignes d'arrosage."),
            ("B app", "J'ai scanné le QR code sur le pot, et l'appli a créé la fiche de ma plante avec le "
                      "calendrier d'arrosage. C'est vraiment bien pensé, c'est le moment où je me suis dit que "
                      "j'avais fait le bon choix."),
            ("B expert", "Je l'ai rempotée dès le lendemain : le pot de culture était trop juste et le substrat "
                         "très tourbeux. J'ai ajouté de l'écorce de pin et de la pouzzolane. Rien d'anormal, mais "
                         "j'aurais aimé que ce soit indiqué."),
            ("B bargain", "J'aurais aimé pouvoir choisir un créneau de livraison, je travaille toute la journée et "
                          "je ne suis jamais là quand ils passent. Pour le reste, la plante a bien repris."),
            ("B any", "Les premiers jours, je l'ai laissée tranquille, loin du radiateur, comme conseillé dans le "
                      "guide. Elle a fait une nouvelle feuille au bout de dix jours."),
            ("C gift", "Ma sœur m'a envoyé une photo à la réception, elle était ravie. Par contre, le message "
                       "cadeau n'était pas dans le colis, elle ne savait pas que ça venait de moi au début."),
        ),
        "use": (
            ("A app", "J'ouvre l'appli presque tous les jours. Les rappels d'arrosage, c'est la fonction qui a "
                      "changé ma vie de plantes : avant, je les noyais ou je les oubliais. Maintenant j'en ai onze "
                      "et aucune n'est morte."),
            ("A bargain", "La box, c'est sympa, mais honnêtement je saute un mois sur deux. Je vais dans mon compte, "
                          "je clique sur « sauter cette livraison ». Le prix reste élevé quand on n'a pas de promo."),
            ("A expert", "Je vais aux ateliers en boutique, le rempotage et la clinique des plantes. C'est le vrai "
                         "plus de Verdure pour moi. On y rencontre des passionnés et le chef jardinier sait de quoi "
                         "il parle."),
            ("A any", "Ça fait partie de la maison maintenant. Une plante arrive chaque mois, on lui trouve une "
                      "place. Les enfants ont même donné un nom au {plant} du salon."),
            ("B app", "J'adore l'onglet communauté. Je poste des photos de ma jungle, on s'échange des conseils. Les "
                      "notifications sont parfois un peu trop nombreuses, mais on peut les régler."),
            ("B bargain", "Les plantes sont belles, mais elles sont petites pour le prix. Le mois dernier j'ai reçu "
                          "un {plant} vraiment minuscule. Je compare toujours avec ce que j'aurais en jardinerie."),
            ("B expert", "La box Passion est bien composée, mais j'aimerais plus de variétés rares : des hoyas, des "
                         "anthuriums, des bégonias maculata. Les plantes sont saines, on voit qu'elles sont "
                         "cultivées sérieusement."),
            ("B any", "Ce que je préfère, c'est la surprise chaque mois. Ce que j'aime moins, c'est le carton : "
                      "beaucoup d'emballage pour une seule plante."),
        ),
        "support": (
            ("A any whatsapp", "Oui, par WhatsApp. Je ne savais même pas que c'était possible, c'est un ami qui m'a "
                               "donné le numéro. Réponse en dix minutes, j'ai envoyé une photo de la plante et ils "
                               "m'ont expliqué quoi faire."),
            ("A any phone", "J'ai appelé. Vingt-cinq minutes d'attente, une musique insupportable, et la première "
                            "conseillère m'a transférée. J'ai dû réexpliquer mon problème deux fois. Au final ça a "
                            "été réglé, mais quelle énergie perdue."),
            ("A any phone", "Au téléphone, un lundi matin. J'ai demandé à être rappelé, on ne m'a jamais rappelé. "
                            "Le lendemain, je suis tombé sur quelqu'un de très aimable qui a réglé ça en cinq "
                            "minutes."),
            ("A any mail", "Par le formulaire du site. Réponse au bout de deux jours, un peu standard, mais ils ont "
                           "renvoyé une plante sans discuter."),
            ("A any nosupport", "Non, jamais eu besoin. J'ai trouvé ce que je cherchais dans la FAQ, une fois, pour "
                                "changer d'adresse de livraison."),
            ("B any whatsapp", "Franchement, WhatsApp devrait être mis en avant, ce n'est indiqué nulle part sur le "
                               "site. Tout le monde l'a sur son téléphone, et on peut envoyer une photo de la plante "
                               "malade."),
            ("B expert phone", "J'appelle surtout pour des conseils. Le service client n'est pas toujours au niveau "
                               "sur les questions techniques, ils me renvoient souvent vers la boutique."),
            ("B any phone", "Ce qui manque, c'est un suivi : à chaque appel on repart de zéro, personne ne voit "
                            "l'historique. C'est très inégal d'un conseiller à l'autre."),
            ("B any mail", "Deux jours pour une réponse, c'est long quand une plante est en train de mourir. Un chat "
                           "ou un numéro direct, ce serait mieux."),
            ("B any nosupport", "Je n'ai jamais eu à les appeler, et tant mieux : des amis m'ont dit que l'attente "
                                "au téléphone était longue."),
        ),
        "renew": (
            ("A bargain churn", "J'ai résilié. Trop cher sans la promo, et j'ai eu des soucis cet été. La "
                                "résiliation, c'est trois écrans, un motif obligatoire, une offre de remise... J'ai "
                                "trouvé ça un peu forcé."),
            ("A bargain stay", "J'ai failli partir. Au moment de résilier, ils m'ont proposé 20 % pendant trois "
                               "mois. J'ai accepté, mais je repartirai si le prix remonte."),
            ("A expert stay", "J'ai renouvelé sans hésiter, ça fait plus de deux ans. J'aimerais une vraie remise "
                              "fidélité pour les anciens clients, c'est ce qui manque."),
            ("A any stay", "Renouvelé. Le mail de rappel est bien fait, on voit les plantes du trimestre suivant, "
                           "ça donne envie."),
            ("B bargain stay", "Le prix, uniquement le prix. Si la box Découverte passait à quinze euros, je "
                               "resterais sans réfléchir."),
            ("B any churn", "Les soucis de cet été ont été la goutte d'eau. Et la remise proposée au moment de "
                            "partir m'a un peu vexée : pourquoi pas avant ?"),
            ("B expert stay", "La qualité constante des plantes et les ateliers. Le jour où ça baisse, je partirai, "
                              "mais ce n'est pas le cas."),
            ("B any stay", "Le rapport entre le plaisir d'avoir de belles plantes et les petits tracas de "
                           "livraison. Pour l'instant, le plaisir l'emporte."),
        ),
    },
    "en": {
        "discover": (
            ("A app", "Instagram, definitely. I follow loads of houseplant accounts and a Verdure reel popped up "
                      "with a massive {plant} in a tiny flat. I tapped through and had the app installed within "
                      "minutes."),
            ("A app", "A mate sent me the app link. She already had three of their plants and wouldn't stop "
                      "talking about the watering reminders, so I thought, why not, and downloaded it that "
                      "evening."),
            ("A bargain", "I saw a Google ad when I was searching for cheap plants delivered. It was thirty per cent "
                          "off the first month, and that's really what made me click. Without the offer I probably "
                          "wouldn't have bothered."),
            ("A bargain", "Through the newsletter, actually. I'd signed up for a discount code ages ago, and one "
                          "day there was a deal on the Discovery box."),
            ("A expert", "I knew the {shop} shop before I knew the website. I popped in one Saturday and spent a "
                         "good half hour with the assistant talking about calatheas and crispy leaf tips."),
            ("A expert", "On a gardening marketplace where I buy my potting mixes. The listing was done properly, "
                         "with the exact botanical name, which is rare. Then I looked at their own site, then the "
                         "shop."),
            ("A gift", "I was looking for a birthday present for my sister, something a bit different. I came "
                       "across an Instagram post with the gift boxes and it just looked lovely."),
            ("A gift", "I googled housewarming gift ideas and Verdure came up in the ads. I clicked without "
                       "expecting much."),
            ("A any", "Honestly I don't really remember. I think I saw their green vans around my area, then an ad, "
                      "and eventually the name stuck."),
            ("B app", "The tone, I think. It was funny, not snobby, and the app looked really well made. Other plant "
                      "shops all look like garden centre catalogues."),
            ("B bargain", "The introductory price, no question. I thought at that price I wasn't risking much, and I "
                          "could always stop. I still checked the garden centre's prices first."),
            ("B expert", "The quality of the plants. I'm fussy, I've been growing things for thirty years, and what "
                         "I saw was up there with the good nurseries. The assistant knew his stuff, which gave me "
                         "confidence."),
            ("B gift", "The idea of giving something alive. Flowers are dead in a week; a plant you keep for years. "
                       "And the gift boxes looked really pretty in the photos."),
        ),
        "consider": (
            ("A app", "All in the app. You tell it how much light the room gets, whether you have a cat, and it "
                      "suggests three plants. I went with the first one, a {plant}, because the photo was gorgeous "
                      "and it was marked easy."),
            ("A app", "I spent ages scrolling the app catalogue, it's a bit addictive. I saved five or six plants to "
                      "my favourites before settling on the Classic plan."),
            ("A bargain", "I did the quiz on the website, but mostly I looked at prices. I had three tabs open with "
                          "other sites, and Verdure was dearer, except with the promo code. So I went for the "
                          "Discovery box, the cheapest one."),
            ("A expert", "I went back to the shop to see the plants in person. I always check the roots, the "
                         "underside of the leaves, any sign of thrips. Everything was clean. The assistant even "
                         "talked me out of a plant that was too delicate for my conservatory."),
            ("A gift", "I did the what-plant-to-give quiz. It was quick, three questions, and it suggested a {plant} "
                       "with a nice pot. I know nothing about plants, so that really helped."),
            ("B app", "Not really. The only doubt was delivery: I'm out a lot, and I didn't know whether you could "
                      "pick a time slot."),
            ("B bargain", "What made me hesitate was the commitment. I wanted to be sure I could stop whenever I "
                          "liked, and it took me a while to find that in the FAQ."),
            ("B expert", "The product pages lack detail for someone like me: no humidity, no minimum temperature. I "
                         "rang them to get the information and they were fine about it."),
            ("B gift", "I was torn between flowers and a plant. What tipped it was that a plant lasts longer and you "
                       "could add a message."),
            ("B any", "I read quite a few reviews. Lots of very positive ones about the quality of the plants and a "
                      "few bad ones about delivery, but nothing worrying at the time."),
            ("C any", "What I liked is that nobody pushed me towards the most expensive one. The quiz even suggested "
                      "a little plant for fifteen pounds."),
        ),
        "purchase": (
            ("A app payfail", "Honestly, it was a nightmare. Back in April the payment failed three times in the "
                              "app. It spun after the 3-D Secure step and then said payment declined. My bank told "
                              "me nothing was blocked on their side. In the end I used the website on my laptop and "
                              "it went through first time."),
            ("A app payfail", "The payment kept failing, simple as that. I tried again the next day, same thing. I "
                              "e-mailed customer service and they said it was a known issue. I nearly gave up, and "
                              "I know two people who did give up because of it."),
            ("A app", "In the app, three taps and done. Paid with my phone, nothing to type in. That's exactly what "
                      "I expect from an app these days."),
            ("A bargain", "On the website. The promo code wouldn't work at first, you had to put it in a hidden box "
                          "at the bottom of the basket. Once I found it, it was quick. I took the three-month "
                          "commitment because it was cheaper."),
            ("A expert", "In the shop, on the assistant's tablet. He filled everything in with me, I signed, and it "
                         "was sorted in five minutes. I prefer that to a website, you can ask questions."),
            ("A expert", "By phone, because I wanted to add two plants that weren't in the Passion plan. The adviser "
                         "was patient and knew the range well."),
            ("A gift", "On the website, from my phone. I picked the gift box, the address, the date, paid by card. "
                       "The only snag was the gift message box: a hundred characters maximum, so I had to cut my "
                       "message down."),
            ("A any", "Nothing to report, really. An order like any other, the confirmation e-mail came straight "
                      "away."),
            ("B app payfail", "What annoyed me most is that no message told me what to do. A simple try again on the "
                              "website would have saved me an hour. For an app that wants to look modern, it's a "
                              "shame."),
            ("B app", "Paying in one tap is why I order from the app rather than the laptop. If it got complicated, "
                      "I think I'd order less."),
            ("B bargain", "I'd like to see the total price from the start. I only saw the delivery charge at the "
                          "very end. When you're on a tight budget, an extra three pounds matters."),
            ("B expert", "No trouble paying. But I wish you could build your own Passion box, plant by plant."),
            ("B gift", "I'd have liked to choose the exact delivery date, so it arrived on the birthday and not two "
                       "days before."),
            ("B any", "Nothing to change, the confirmation e-mail is clear, with the summary and the estimated "
                      "delivery date."),
            ("C gift", "To be honest, mostly because delivery was free over forty pounds and the gift box was just "
                       "above that. And because it looked pretty, simple as that."),
        ),
        "onboard": (
            ("A any late", "Badly. They said 48 hours and I waited {days} days. The tracking was stuck on in "
                           "transit for almost a week. Nobody told me anything. When the plant finally turned up it "
                           "was clearly thirsty."),
            ("A any late", "Since the summer it's a different courier, and you can tell. The driver didn't ring, "
                           "just left a card although I was in. {days} days in all before I got it from the "
                           "pick-up point."),
            ("A any damaged", "The box was crushed on one corner, and when I opened it the pot was cracked and there "
                              "was compost everywhere. Two big leaves were snapped. I sent photos and they sent a "
                              "replacement, but it was a real letdown."),
            ("A any ontime", "Spot on. Delivered in two days, recycled cardboard packaging that held everything in "
                             "place, not a leaf damaged. There was even a little card with watering tips."),
            ("B app", "I scanned the QR code on the pot and the app set up my plant's page with a watering "
                      "calendar. It's really well thought out, that's when I knew I'd made the right choice."),
            ("B expert", "I repotted it the next day: the nursery pot was too tight and the mix very peaty. I added "
                         "bark and pumice. Nothing unusual, but I'd have liked it to be mentioned."),
            ("B bargain", "I'd have liked to choose a delivery slot, I work all day and I'm never in when they come. "
                          "Apart from that, the plant settled in well."),
            ("B any", "For the first few days I left it alone, away from the radiator, as the guide said. It put out "
                      "a new leaf after ten days."),
            ("C gift", "My sister sent me a photo when it arrived, she was thrilled. But the gift message wasn't in "
                       "the parcel, so at first she didn't know it was from me."),
        ),
        "use": (
            ("A app", "I open the app almost every day. The watering reminders are what changed everything for me: "
                      "I used to drown my plants or forget them. Now I've got eleven and not one has died."),
            ("A bargain", "The box is nice, but honestly I skip every other month. I go into my account and click "
                          "skip this delivery. It's still pricey when there's no offer on."),
            ("A expert", "I go to the workshops in the shop, repotting and the plant clinic. That's the real plus of "
                         "Verdure for me. You meet other enthusiasts and the head gardener knows his stuff."),
            ("A any", "It's part of the house now. A plant arrives every month and we find it a spot. The kids have "
                      "even named the {plant} in the living room."),
            ("B app", "I love the community tab. I post photos of my jungle and we swap tips. There are sometimes a "
                      "few too many notifications, but you can tweak them."),
            ("B bargain", "The plants are nice but small for the price. Last month I got a really tiny {plant}. I'm "
                          "always comparing with what I'd get at the garden centre."),
            ("B expert", "The Passion box is well put together, but I'd like more unusual varieties: hoyas, "
                         "anthuriums, begonia maculata. The plants are healthy, you can tell they're grown "
                         "properly."),
            ("B any", "What I like best is the surprise every month. What I like least is the cardboard: a lot of "
                      "packaging for one plant."),
        ),
        "support": (
            ("A any whatsapp", "Yes, on WhatsApp. I didn't even know you could, a friend gave me the number. Answer "
                               "in ten minutes, I sent a photo of the plant and they told me what to do."),
            ("A any phone", "I rang them. Twenty-five minutes on hold with awful music, and the first adviser "
                            "transferred me. I had to explain my problem twice. It got sorted in the end, but what "
                            "a waste of energy."),
            ("A any phone", "By phone, on a Monday morning. I asked for a callback and never got one. The next day I "
                            "got someone really nice who fixed it in five minutes."),
            ("A any mail", "Through the contact form. Reply after two days, a bit of a template, but they sent a "
                           "new plant without any fuss."),
            ("A any nosupport", "No, never needed to. I found what I wanted in the FAQ once, to change my delivery "
                                "address."),
            ("B any whatsapp", "Honestly, WhatsApp should be front and centre, it isn't mentioned anywhere on the "
                               "website. Everyone has it on their phone, and you can send a photo of the poorly "
                               "plant."),
            ("B expert phone", "I mostly call for advice. Customer service isn't always up to technical questions, "
                               "they often send me back to the shop."),
            ("B any phone", "What's missing is any follow-up: every call starts from scratch, nobody sees the "
                            "history. It's very hit and miss from one adviser to the next."),
            ("B any mail", "Two days for a reply is a long time when a plant is dying. A chat or a direct number "
                           "would be better."),
            ("B any nosupport", "I've never had to ring them, and just as well: friends told me the wait on the "
                                "phone is long."),
        ),
        "renew": (
            ("A bargain churn", "I cancelled. Too expensive without the discount, and I'd had problems over the "
                                "summer. Cancelling takes three screens, a compulsory reason, a discount offer... "
                                "it felt a bit pushy."),
            ("A bargain stay", "I nearly left. When I went to cancel they offered me twenty per cent off for three "
                               "months. I took it, but I'll go if the price goes back up."),
            ("A expert stay", "I renewed without thinking twice, it's been over two years. I'd like a proper "
                              "loyalty discount for long-standing customers, that's what's missing."),
            ("A any stay", "Renewed. The reminder e-mail is well done, you can see next quarter's plants, it makes "
                           "you want to carry on."),
            ("B bargain stay", "The price, only the price. If the Discovery box went down to fifteen pounds I'd "
                               "stay without a second thought."),
            ("B any churn", "This summer's problems were the last straw. And the discount they offered when I was "
                            "leaving annoyed me a bit: why not before?"),
            ("B expert stay", "The consistent quality of the plants and the workshops. The day that slips I'll "
                              "leave, but it hasn't."),
            ("B any stay", "It's the pleasure of having lovely plants against the little delivery hassles. For now, "
                           "the pleasure wins."),
        ),
    },
}
INTERVIEW_PII = {
    "fr": "Si vous voulez me recontacter, c'est {email}, ou le {phone} en journée.",
    "en": "If you need to reach me again it's {email}, or {phone} during the day.",
}
INTERVIEWERS = {"fr": ("Camille Roux", "Julien Faure"), "en": ("Hannah Clarke", "Tom Evans")}
_INTERVIEW_PLAN = {"fr": (_APP, _APP, _BARGAIN, _EXPERT, _EXPERT, _GIFT),
                   "en": (_APP, _BARGAIN, _BARGAIN, _EXPERT, _GIFT, _GIFT)}
_INTERVIEW_STAGES = {_APP: ("discover", "consider", "purchase", "onboard", "use", "support"),
                     _BARGAIN: ("discover", "consider", "purchase", "onboard", "use", "renew"),
                     _EXPERT: ("discover", "consider", "purchase", "onboard", "use", "support", "renew"),
                     _GIFT: ("discover", "consider", "purchase", "onboard", "support")}
_PERSONA_TAG = {_APP: "app", _BARGAIN: "bargain", _EXPERT: "expert", _GIFT: "gift"}
N_INTERVIEWS_WITH_PII = 5

_ACKNOWLEDGEMENTS = {"fr": ("D'accord.", "Je vois.", "Merci, c'est clair.", "Intéressant."),
                     "en": ("Right.", "I see.", "Thanks, that's clear.", "Interesting.")}
_FACT_TAGS = {"payfail", "late", "damaged", "ontime", "whatsapp", "phone", "mail", "nosupport", "churn", "stay"}


def _interview(rng, lang: str, persona: int, facts: dict, used: set, with_pii: bool) -> str:
    """The body of one transcript: for each stage, questions as paragraphs and answers as blockquotes."""
    tag = _PERSONA_TAG[persona]
    sections = []
    for stage in _INTERVIEW_STAGES[persona]:
        lines = [f"## {stage}", ""]
        for slot in ("A", "B", "C"):
            eligible = []
            for tags, text in INTERVIEW_QUOTES[lang][stage]:
                words = set(tags.split())
                if slot in words and words & {tag, "any"} and (words & _FACT_TAGS) <= facts["tags"]:
                    eligible.append((-len(words & _FACT_TAGS), -(tag in words), text in used, rng.random(), text))
            if not eligible or (slot == "C" and persona != _GIFT and rng.random() < .6):
                continue
            text = min(eligible)[-1]
            used.add(text)
            question = _pick(rng, INTERVIEW_QUESTIONS[lang][stage][slot])
            if slot != "A" and rng.random() < .5:
                question = f"{_pick(rng, _ACKNOWLEDGEMENTS[lang])} {question}"
            lines += [question, "", "> " + _fill(rng, text, lang, facts["days"]), ""]
        sections.append(lines)
    if with_pii:
        sections[-1][-2] += " " + INTERVIEW_PII[lang].format(email=_email(rng, lang), phone=_phone(rng, lang))
    return "\n".join(line for lines in sections for line in lines).rstrip() + "\n"


def _interviews(rng, cust, journeys: pd.DataFrame, ids: np.ndarray) -> dict[str, str]:
    """Twelve transcripts (six in French, six in English) of customers chosen for what happened to them."""
    j = journeys
    by_customer = j.groupby("customer")
    facts = pd.DataFrame({
        "payfail": by_customer["pay_trouble"].any() & ~by_customer["pay_abandon"].any(),
        "late": j[j["quarter"] == 1].groupby("customer")["late"].any(),
        "damaged": j[j["quarter"] == 1].groupby("customer")["damaged"].any(),
        "onboard": by_customer["onboard"].any(),
        "whatsapp": by_customer["support_kind"].agg(lambda k: (k == _CHAT).any()),
        "phone": by_customer["support_kind"].agg(lambda k: (k == _CALL).any()),
        "mail": by_customer["support_kind"].agg(lambda k: (k == _MAIL).any()),
        "churn": by_customer["churn"].any(),
        "active_q3": by_customer["quarter"].max() == 1,
        "lag": j[j["onboard"]].groupby("customer")["lag"].max(),
    }).fillna({"late": False, "damaged": False, "lag": 0}).infer_objects()
    facts["ontime"] = ~facts["late"] & ~facts["damaged"]
    facts["nosupport"] = ~facts["whatsapp"] & ~facts["phone"] & ~facts["mail"]
    facts["stay"] = ~facts["churn"]
    wanted = {"fr": ({"payfail"}, {"whatsapp"}, {"late", "churn"}, {"phone"}, set(), {"late"}),
              "en": ({"payfail"}, {"damaged"}, {"churn"}, {"phone"}, {"whatsapp"}, {"ontime"})}
    plan, taken, files = [], set(), {}
    for lang in ("fr", "en"):
        for persona, needs in zip(_INTERVIEW_PLAN[lang], wanted[lang]):
            pool = facts[(cust["persona"][facts.index] == persona) & (cust["lang_fr"][facts.index] == (lang == "fr"))
                         & facts["active_q3"] & ~facts.index.isin(list(taken))]
            for need in (needs, {next(iter(needs))} if needs else set(), set()):
                fit = pool[pool[list(need)].all(axis=1)] if need else pool
                if len(fit):
                    break
            customer = int(fit.index[rng.integers(len(fit))])
            taken.add(customer)
            plan.append((lang, persona, customer))
    plan = [plan[i] for i in rng.permutation(len(plan))]
    dates = np.sort(rng.choice(np.arange(1, 26), len(plan), replace=False))
    pii = set(np.sort(rng.choice(len(plan), N_INTERVIEWS_WITH_PII, replace=False)).tolist())
    used: dict[str, set] = {"fr": set(), "en": set()}
    for number, ((lang, persona, customer), day) in enumerate(zip(plan, dates), start=1):
        row = facts.loc[customer]
        tags = {name for name in _FACT_TAGS if bool(row[name])}
        body = _interview(rng, lang, persona, {"tags": tags, "days": float(row["lag"])}, used[lang], number - 1 in pii)
        header = (f"---\ncustomer_id: {ids[customer]}\ndate: 2026-09-{day:02d}\nlanguage: {lang}\n"
                  f"interviewer: {INTERVIEWERS[lang][number % 2]}\n---\n\n")
        files[f"interview_{number:02d}.md"] = header + body
    return files


# ---------------------------------------------------------------------------------------------------------
# Writing the workspace

# raw channel per touchpoint: (value, other value, which customer flag picks the first one)
_RAW_BY_CHANNEL = {"web": ("Web", "Web", None), "app": ("iOS App", "Android App", "ios"),
                   "email": ("E-mail", "E-mail", None), "social": ("Instagram", "Facebook", "instagram"),
                   "phone": ("Call centre", "Call centre", None), "store": ("Boutique", "Boutique", None),
                   "partner": ("Marketplace", "Marketplace", None), "chat": ("WhatsApp", "WhatsApp", None)}
_CARRIER_TOUCHPOINTS = ("first_delivery", "monthly_box")


def _event_table(events: pd.DataFrame, cust, ids: np.ndarray) -> pd.DataFrame:
    """The analytics export: one row per event, ordered by time, with raw names and raw channels."""
    events = events.sort_values(["time", "customer", "session", "code"], kind="stable").reset_index(drop=True)
    customer, code = events["customer"].to_numpy(), events["code"].to_numpy()
    orphan = customer < 0
    known = np.where(orphan, 0, customer)
    channels = [_TP_CHANNEL[tp] if tp >= 0 else UNMAPPED_CHANNEL for tp in _EV_TP]
    first = np.array([_RAW_BY_CHANNEL[ch][0] for ch in channels], dtype=object)
    second = np.array([_RAW_BY_CHANNEL[ch][1] for ch in channels], dtype=object)
    for index, tp in enumerate(_EV_TP):
        if tp >= 0 and TOUCHPOINT_IDS[tp] in _CARRIER_TOUCHPOINTS:
            first[index] = second[index] = "Transporteur"
    flag = np.select([np.array([_RAW_BY_CHANNEL[ch][2] == "ios" for ch in channels])[code],
                      np.array([_RAW_BY_CHANNEL[ch][2] == "instagram" for ch in channels])[code]],
                     [cust["ios"][known], cust["instagram"][known]], True)
    raw_channel = np.where(flag | orphan, first[code], second[code])
    user = np.where(orphan, np.array(ORPHAN_USERS, dtype=object)[np.maximum(-1 - customer, 0)], ids[known])
    session_numbers = pd.factorize(events["session"])[0]
    return pd.DataFrame({
        "user_id": user,
        "event_time": events["time"].to_numpy().astype("datetime64[s]").astype("datetime64[us]"),
        "event_name": np.array(EVENT_NAMES, dtype=object)[code],
        "channel": raw_channel,
        "session_id": [f"S{number:07d}" for number in session_numbers],
    })


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    table = pa.table({
        "user_id": pa.array(frame["user_id"], pa.string()),
        "event_time": pa.array(frame["event_time"].to_numpy(), pa.timestamp("us")),
        "event_name": pa.array(frame["event_name"], pa.string()),
        "channel": pa.array(frame["channel"], pa.string()),
        "session_id": pa.array(frame["session_id"], pa.string()),
    })
    pq.write_table(table, path, compression="zstd", compression_level=9,
                   use_dictionary=["user_id", "event_name", "channel"],
                   column_encoding={"event_time": "DELTA_BINARY_PACKED", "session_id": "DELTA_BYTE_ARRAY"},
                   write_statistics=True, row_group_size=1 << 20)


def _write_tickets(tickets: pd.DataFrame, path: Path) -> None:
    columns = ["id", "client", "created", "resolved", "via", "topic", "fcr", "rating", "touchpoint"]
    lines = []
    for record in tickets[columns].to_dict("records"):
        record["fcr"] = bool(record["fcr"])
        record["rating"] = None if record["rating"] is None or pd.isna(record["rating"]) else int(record["rating"])
        lines.append(json.dumps(record, ensure_ascii=False))
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as stream:
        stream.write(("\n".join(lines) + "\n").encode("utf-8"))
    path.write_bytes(buffer.getvalue())


def _ids(signup: np.ndarray) -> np.ndarray:
    """CRM numbers follow the order in which customers signed up."""
    rank = np.empty(len(signup), dtype=int)
    rank[np.argsort(signup, kind="stable")] = np.arange(len(signup))
    return np.array([f"VRD-{number + 1:06d}" for number in rank], dtype=object)


def _build(seed: int) -> dict:
    """Every table and text of the workspace, in memory."""
    rng = np.random.default_rng(seed)
    cust = _customers(rng)
    journeys, events, state = _simulate(rng, cust)
    ids = _ids(state["signup"])
    built = {"cust": cust, "journeys": journeys, "ids": ids}
    built["crm"] = _crm(rng, cust, state, ids)
    built["survey"], built["survey_truth"] = _survey(rng, cust, journeys, events, ids)
    built["tickets"] = _tickets(rng, journeys, ids)
    built["interviews"] = _interviews(rng, cust, journeys, ids)
    built["events"] = _event_table(pd.concat([events, _orphans(rng)], ignore_index=True), cust, ids)
    built["personas"] = pd.DataFrame({"customer_id": ids, "persona": np.array(PERSONAS)[cust["persona"]]}
                                     ).sort_values("customer_id").reset_index(drop=True)
    built["journey"] = _journey()
    return built


def generate(directory: str | Path, *, seed: int = SEED) -> Path:
    """Write the sample workspace of Verdure into ``directory`` and return its path.

    The folder is created when missing and must be empty when it exists. The same ``seed`` always writes
    the same bytes in every file; ``README.md`` in the folder documents the files and the planted facts
    with their numbers for this seed.

    Parameters
    ----------
    directory : str or Path
        Where to write the workspace.
    seed : int, default 2026
        Seed of ``numpy.random.default_rng``; the committed ``sample_data`` uses the default.

    Returns
    -------
    Path
        ``directory``, which now holds ``journey.yaml``, ``data/``, ``interviews/``, ``truth/`` and
        ``README.md``.

    Raises
    ------
    FileExistsError
        When ``directory`` exists and is not an empty folder.

    Examples
    --------
    >>> import tempfile, journeykit.sample as sample
    >>> folder = sample.generate(tempfile.mkdtemp())          # doctest: +SKIP
    >>> sorted(p.name for p in folder.iterdir())               # doctest: +SKIP
    ['README.md', 'data', 'interviews', 'journey.yaml', 'truth']
    """
    path = Path(directory)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise FileExistsError(f"{path} already exists and is not empty. The sample workspace is only written into a "
                              f"new or empty folder; choose another path or remove this one.")
    built = _build(seed)
    for folder in ("data", "interviews", "truth"):
        (path / folder).mkdir(parents=True, exist_ok=True)
    (path / "journey.yaml").write_text(_journey_yaml(built["journey"]), encoding="utf-8", newline="\n")
    built["crm"].to_csv(path / "data" / "crm_clients.csv", sep=";", index=False, encoding="cp1252",
                        lineterminator="\r\n")
    events = built["events"]
    quarter = np.where(events["event_time"].to_numpy() < np.datetime64("2026-07-01"), 0, 1)
    for q, name in enumerate(QUARTERS):
        _write_parquet(events[quarter == q].reset_index(drop=True), path / "data" / f"events_{name}.parquet")
    built["survey"].to_csv(path / "data" / "survey_responses.csv", index=False, encoding="utf-8-sig",
                           lineterminator="\n")
    _write_tickets(built["tickets"], path / "data" / "tickets.jsonl.gz")
    for name, text in built["interviews"].items():
        (path / "interviews" / name).write_text(text, encoding="utf-8", newline="\n")
    built["personas"].to_csv(path / "truth" / "personas.csv", index=False, lineterminator="\n")
    facts = _measure(built)
    (path / "data" / "README.md").write_text(_data_readme(facts), encoding="utf-8", newline="\n")
    (path / "README.md").write_text(_readme(facts, seed), encoding="utf-8", newline="\n")
    return path


def ground_truth(directory: str | Path) -> pd.DataFrame:
    """The true persona of every customer of a generated workspace (``truth/personas.csv``).

    This file is the answer key for tests and demonstrations; it is not a data source of the workspace.

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id`` and ``persona`` (one of :data:`PERSONAS`).

    Examples
    --------
    >>> truth = ground_truth("sample_data")                      # doctest: +SKIP
    >>> truth["persona"].value_counts(normalize=True).round(2)   # doctest: +SKIP
    """
    file = Path(directory) / "truth" / "personas.csv"
    if not file.is_file():
        raise FileNotFoundError(f"{file} does not exist. ground_truth reads a workspace written by "
                                f"journeykit.sample.generate.")
    return pd.read_csv(file, dtype={"customer_id": str, "persona": str})




# ---------------------------------------------------------------------------------------------------------
# What was planted, measured on the written tables (for README.md)

def _quarter_of(stamps: pd.Series) -> np.ndarray:
    return np.where(stamps < pd.Timestamp("2026-07-01"), QUARTERS[0], QUARTERS[1])


def _measure(built: dict) -> dict:
    """The numbers README.md gives, computed from the tables as an analyst would read them."""
    journey, events, survey, tickets, crm = (built[k] for k in ("journey", "events", "survey", "tickets", "crm"))
    facts: dict = {"n_customers": len(crm), "n_events": len(events), "n_survey": len(survey),
                   "n_tickets": len(tickets), "n_event_users": events["user_id"].nunique()}
    words = [len(text.split()) for text in built["interviews"].values()]
    facts["interview_words"] = (min(words), max(words))
    ev = events.assign(quarter=_quarter_of(events["event_time"]))
    facts["events_per_quarter"] = ev["quarter"].value_counts().reindex(QUARTERS).tolist()
    to_tp = journey.event_to_touchpoint()
    stage_of = {tp.id: tp.stage for tp in journey.touchpoints}
    ev["touchpoint"] = ev["event_name"].map(to_tp)
    ev["stage"] = ev["touchpoint"].map(stage_of)
    facts["funnel"] = {q: [int(ev[(ev["quarter"] == q) & (ev["stage"] == s)]["user_id"].nunique()) for s in STAGE_IDS]
                       for q in QUARTERS}

    # personas
    persona = built["personas"].set_index("customer_id")["persona"]
    crm_p = crm.assign(persona=crm["N° client"].map(persona))
    ev["persona"] = ev["user_id"].map(persona)
    valid = survey[survey["nps"].between(0, 10)]
    rows = []
    for name in PERSONAS:
        c = crm_p[crm_p["persona"] == name]
        e = ev[ev["persona"] == name]
        paying = c[c["Offre"] != "Aucune"]
        rows.append({
            "persona": name, "customers": len(c), "share": len(c) / len(crm),
            "age": pd.to_numeric(c["Âge"], errors="coerce").mean(),
            "basket": paying["Panier mensuel (€)"].str.replace(",", ".").astype(float).mean(),
            "app": (e["channel"].map(RAW_CHANNELS) == "app").mean(),
            "events": len(e) / max(e["user_id"].nunique(), 1),
            "nps": valid[valid["respondent"].map(persona) == name]["nps"].mean(),
            "churned": (c["Résilié"] == "Oui").mean(),
        })
    facts["personas"] = rows

    # friction: app payment in 2026Q2
    def drop_off(q: str, first_events, next_event: str) -> tuple[int, float]:
        e = ev[ev["quarter"] == q]
        start = e[e["event_name"].isin(first_events)].groupby("user_id")["event_time"].min()
        after = e[e["event_name"] == next_event].groupby("user_id")["event_time"].max()
        ok = after.reindex(start.index) >= start
        return len(start), float(1 - ok.mean())

    sq = survey.assign(quarter=_quarter_of(pd.to_datetime(survey["submitted_at"].str[:19])))
    tq = tickets.assign(quarter=_quarter_of(pd.to_datetime(tickets["created"].str[:19]) + pd.Timedelta(hours=2)))
    failure_words = re.compile(r"échou|failing|failed|refusé|declined|bloqué|stuck|impossible de payer|"
                               r"impossible to pay", re.I)
    facts["friction"] = {}
    for q in QUARTERS:
        payers, app_drop = drop_off(q, FRICTION_EVENTS, FRICTION_NEXT_EVENT)
        web_payers, web_drop = drop_off(q, ("begin_checkout",), FRICTION_NEXT_EVENT)
        answers = sq[(sq["quarter"] == q) & (sq["touchpoint_code"] == FRICTION_SURVEY_CODE)]
        facts["friction"][q] = {
            "payers": payers, "drop": app_drop, "web_payers": web_payers, "web_drop": web_drop,
            "failed_events": int(((ev["quarter"] == q) & (ev["event_name"] == "app_payment_failed")).sum()),
            "answers": len(answers), "csat": answers["csat"].mean(), "ces": answers["ces"].mean(),
            "failure_verbatims": int(answers["verbatim"].fillna("").str.contains(failure_words).sum()),
            "tickets": int(((tq["quarter"] == q) & (tq["touchpoint"] == FRICTION_SURVEY_CODE)).sum()),
        }

    # onboarding gets worse in 2026Q3
    truth = built["survey_truth"]
    facts["onboard"] = {}
    for q in QUARTERS:
        e = ev[(ev["quarter"] == q) & (ev["stage"] == WORSENING_STAGE)].groupby("user_id")["event_time"]
        days = (e.max() - e.min()).dt.total_seconds() / 86_400
        answers = sq[(sq["quarter"] == q) & (sq["touchpoint_code"] == WORSENING_SURVEY_CODE)]
        negative = truth["topic"].isin(["delivery_late", "delivery_damaged"]) & (survey["verbatim"].fillna("") != "")
        facts["onboard"][q] = {
            "customers": len(days), "median_days": days.median(), "mean_days": days.mean(),
            "answers": len(answers), "csat": answers["csat"].mean(),
            "tickets": int(((tq["quarter"] == q) & tq["topic"].isin(["Late delivery", "Damaged plant"])).sum()),
            "negative_verbatims": int((negative & (sq["quarter"] == q)).sum()),
            "failed_attempts": int(((ev["quarter"] == q) & (ev["event_name"] == "delivery_failed_attempt")).sum()),
        }

    # the touchpoint nobody mapped
    chat = ev[ev["event_name"] == UNMAPPED_EVENT]
    facts["unmapped"] = {"events": len(chat), "customers": chat["user_id"].nunique(),
                         "share": chat["user_id"].nunique() / facts["n_event_users"],
                         "tickets": int((tickets["via"] == UNMAPPED_CHANNEL_RAW).sum())}

    # personal data
    text = survey["verbatim"].fillna("")
    facts["pii_survey"] = {kind: int(text.str.contains(pattern).sum()) for kind, pattern in PII_PATTERNS.items()}
    facts["pii_survey_rows"] = int(text.str.contains("|".join(PII_PATTERNS.values())).sum())
    facts["pii_interviews"] = sorted(name for name, body in built["interviews"].items()
                                     if re.search("|".join(PII_PATTERNS.values()), body))

    # data quality
    facts["quality"] = {
        "duplicates": int(survey.duplicated().sum()),
        "orphan_events": int((~events["user_id"].isin(crm["N° client"])).sum()),
        "orphan_users": int(events.loc[~events["user_id"].isin(crm["N° client"]), "user_id"].nunique()),
        "nps_out_of_range": int((survey["nps"] > 10).sum()),
        "resolved_before_created": int((tickets["resolved"].notna()
                                        & (tickets["resolved"] < tickets["created"])).sum()),
        "blank_age": int((crm["Âge"] == "").sum()), "blank_region": int((crm["Région"] == "").sum()),
        "blank_segment": int((crm["Segment marketing"] == "").sum()),
        "unresolved": int(tickets["resolved"].isna().sum()),
    }

    # the workshop's beliefs against the data (mean CSAT - 3, on the -2..+2 scale)
    code_of = {tp: code for code, tp in SURVEY_CODES.items()}
    rows = []
    for tp in journey.touchpoints:
        if "all" not in tp.assumed_emotion or tp.id not in code_of:
            continue
        row = {"touchpoint": tp.id, "assumed": tp.assumed_emotion["all"]}
        for q in QUARTERS:
            answers = sq[(sq["quarter"] == q) & (sq["touchpoint_code"] == code_of[tp.id])]["csat"]
            row[q] = answers.mean() - 3 if len(answers.dropna()) else float("nan")
        rows.append(row)
    facts["beliefs"] = rows
    facts["nps"] = {q: 100 * ((x >= 9).mean() - (x <= 6).mean()) for q in QUARTERS
                    for x in [valid.loc[_quarter_of(pd.to_datetime(valid["submitted_at"].str[:19])) == q, "nps"]]}
    j = built["journeys"]
    returning = j[j["kind"] == 1]
    facts["churn"] = {QUARTERS[q]: float(returning[returning["quarter"] == q]["churn"].mean()) for q in (0, 1)}
    return facts


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def _data_readme(facts: dict) -> str:
    return f"""# Verdure's data exports

Each file comes from a different tool and keeps that tool's format, on purpose: `journey.yaml` (`sources:`)
maps every file's own column names and raw values onto journeykit's data contract, so nothing is renamed.

| file | from | format |
|---|---|---|
| `crm_clients.csv` | CRM, exported with French Excel | `;`-separated, Windows-1252, CRLF line ends, decimal comma (`29,90`), dates `dd/mm/yyyy`, French headers, `Oui`/`Non`; {facts['n_customers']:,} customers |
| `events_2026Q2.parquet`, `events_2026Q3.parquet` | web and app analytics | Parquet (zstd), one row per event: `user_id`, `event_time` (timestamp), `event_name` (raw name), `channel` (raw value such as `iOS App`), `session_id`; {facts['n_events']:,} events |
| `survey_responses.csv` | survey tool | UTF-8 with BOM, `,`-separated, ISO 8601 times with offset; `nps` 0-10, `csat` 1-5, `ces` 1-7, blank when skipped; free-text `verbatim` in French or English; {facts['n_survey']:,} answers |
| `tickets.jsonl.gz` | helpdesk | gzip JSON lines, UTC times (`Z`), `fcr` true/false, `rating` 1-5 or null; {facts['n_tickets']:,} tickets |

The interview transcripts are in `../interviews/`. `../truth/` holds the answer key of the planted facts: it is
not a data source. See `../README.md` for the company and the facts planted in these files.
"""


def _readme(facts: dict, seed: int) -> str:
    f2, f3 = (facts["friction"][q] for q in QUARTERS)
    o2, o3 = (facts["onboard"][q] for q in QUARTERS)
    q = facts["quality"]
    persona_rows = "\n".join(
        f"| `{r['persona']}` | {r['customers']:,} ({r['share']:.0%}) | {r['age']:.0f} | {r['basket']:.2f} € | "
        f"{_pct(r['app'])} | {r['events']:.0f} | {r['nps']:.1f} | {_pct(r['churned'])} |" for r in facts["personas"])
    belief_rows = "\n".join(
        f"| `{r['touchpoint']}` | {r['assumed']:+.0f} | {r[QUARTERS[0]]:+.2f} | {r[QUARTERS[1]]:+.2f} | "
        f"{'**wrong**' if r['touchpoint'] in WRONG_ASSUMPTIONS else 'about right'} |" for r in facts["beliefs"])
    funnel_rows = "\n".join(f"| `{stage}` | " + " | ".join(f"{facts['funnel'][qq][i]:,}" for qq in QUARTERS) + " |"
                            for i, stage in enumerate(STAGE_IDS))
    pii, u = facts["pii_survey"], facts["unmapped"]
    silent = facts["n_customers"] - facts["n_event_users"] + q["orphan_users"]
    return f"""# Verdure: the sample workspace

Verdure is a fictional company that sells house plants by subscription in France and the UK: a monthly box,
one-off plants and gift boxes, sold on its website and app, in five shops (Paris, Lyon, Nantes, London,
Bristol), by phone and on two garden marketplaces. About 60 % of its customers are French and speak French;
the others are British. This folder is a complete journeykit workspace for its journey from the first
click to the renewal, over two quarters: **2026Q2** (1 April to 30 June 2026) and **2026Q3** (1 July to
30 September 2026). Every name, number, e-mail address and phone number in it is invented.

Everything here is written by `journeykit.sample.generate` with seed {seed}; do not edit the files by hand
(a test checks that they equal a fresh generation byte for byte). To write it again elsewhere:

```
journeykit sample DIR
python -c "import journeykit.sample as s; s.generate('DIR')"
```

## Files

| path | what |
|---|---|
| `journey.yaml` | the map as the workshop left it: objective, 7 stages, 30 touchpoints with owners, backstage, systems and the raw event names they stand for, the workshop's assumed emotions, 3 pain points, 3 opportunities, 6 KPIs, and `sources:` mapping every file below |
| `data/crm_clients.csv` | CRM export from French Excel (`;`, Windows-1252, decimal comma, `dd/mm/yyyy`): {facts['n_customers']:,} customers `VRD-000001`... numbered in signup order, signed up from January 2024 to September 2026 |
| `data/events_2026Q2.parquet`, `data/events_2026Q3.parquet` | analytics event log: {facts['events_per_quarter'][0]:,} + {facts['events_per_quarter'][1]:,} = {facts['n_events']:,} events of {facts['n_event_users']:,} users, raw event names and raw channels (`Web`, `iOS App`, `Android App`, `E-mail`, `Instagram`, `Facebook`, `Call centre`, `Boutique`, `Marketplace`, `Transporteur`, `WhatsApp`) |
| `data/survey_responses.csv` | survey answers (UTF-8 with BOM, ISO 8601): {facts['n_survey']:,} rows with NPS, CSAT, CES and a verbatim in French or English, `touchpoint_code` in the survey tool's codes (`CHECKOUT_APP`, `DELIVERY_1`...) |
| `data/tickets.jsonl.gz` | helpdesk tickets (gzip JSON lines): {facts['n_tickets']:,} tickets with channel, topic, first-contact resolution, rating and touchpoint code |
| `interviews/interview_01.md` ... `interview_12.md` | twelve interview transcripts (six in French, six in English, {facts['interview_words'][0]}-{facts['interview_words'][1]} words): YAML front matter (`customer_id`, `date`, `language`, `interviewer`), then `## <stage id>` sections with the interviewer's questions as paragraphs and the customer's answers as `> ` blockquotes |
| `truth/personas.csv` | **the answer key, not a data source**: the true persona of every customer (`customer_id`, `persona`), read by `journeykit.sample.ground_truth` |

`data/README.md` details each file's format. The CRM's `Segment marketing` column is the marketing team's own
label: it is only partly related to the true personas (half of it is noise), as in real CRMs.

## Planted facts

Analyses must recover these from the data. The numbers below are measured on the files of seed {seed}
(another seed gives slightly different numbers); the module constants in `journeykit.sample` name them.

### a. Four behavioural personas (`PERSONAS`)

The personas are in no data column: they show in CRM attributes, channel mix, activity and survey answers.
Planted shares: 35 / 30 / 20 / 15 %.

| persona | customers | mean age | mean monthly basket | app share of events | events per active customer | mean NPS | churned (CRM) |
|---|---|---|---|---|---|---|---|
{persona_rows}

- `app_enthusiast`: young, discovers on Instagram, does everything in the app (care reminders almost daily),
  high NPS, low churn (about 4-5 % of subscribers a quarter).
- `bargain_hunter`: web and promotional e-mails, Discovery box often with a promotion, skips deliveries,
  complains about prices, churns most (about 20 % a quarter).
- `expert_gardener`: oldest, Passion box with add-ons, shops in the shops and by phone, goes to workshops,
  longest tenure, long and technical verbatims.
- `gift_buyer`: occasional, web and Instagram, short journeys, a single gift box (`Coffret cadeau`).

K-means (k = 4) on standardised per-customer features of the customers who have events (share of events per
channel, number of events and of sessions, age, basket, number of orders, mean NPS) finds them with an
adjusted Rand index of about 0.8 (`tests/test_sample.py` requires more than 0.6). The {silent:,} customers with no
event in the two quarters (they left, or bought a single gift, before April 2026) can only be told apart by
their CRM attributes.
Prospects who never bought have `Offre` = `Aucune` and a basket of `0,00`.

### b. Friction: the app's payment step in {FRICTION_QUARTER} (`FRICTION_*`)

In {FRICTION_QUARTER} a payment attempt in the app (touchpoint `{FRICTION_TOUCHPOINT}`, channel `{FRICTION_CHANNEL}`,
stage `{FRICTION_STAGE}`; events `app_checkout_start`, `app_payment_submit`, `app_payment_failed`) fails with
probability {PAYMENT_FAILURE_RATE[QUARTERS[0]]:.0%}; it is fixed in {QUARTERS[1]}
({PAYMENT_FAILURE_RATE[QUARTERS[1]]:.0%}).
Customers retry up to twice, a quarter of those who still fail finish on the website, the others give up.

| | {QUARTERS[0]} | {QUARTERS[1]} |
|---|---|---|
| customers who reached the app payment | {f2['payers']:,} | {f3['payers']:,} |
| ... with no `order_confirmed` afterwards (drop-off) | **{_pct(f2['drop'])}** | {_pct(f3['drop'])} |
| website checkout drop-off, for comparison | {_pct(f2['web_drop'])} | {_pct(f3['web_drop'])} |
| `app_payment_failed` events | {f2['failed_events']:,} | {f3['failed_events']:,} |
| survey answers coded `CHECKOUT_APP` | {f2['answers']:,} | {f3['answers']:,} |
| ... mean CSAT (1-5) | **{f2['csat']:.2f}** | {f3['csat']:.2f} |
| ... mean CES (1-7, lower is easier) | **{f2['ces']:.2f}** | {f3['ces']:.2f} |
| ... verbatims about a failed payment ("le paiement a échoué", "payment kept failing"...) | {f2['failure_verbatims']:,} | {f3['failure_verbatims']:,} |
| tickets with touchpoint `CHECKOUT_APP` (topic `Payment failed`) | **{f2['tickets']:,}** | {f3['tickets']:,} |

### c. A stage that gets worse: `{WORSENING_STAGE}` in {WORSENING_QUARTER} (`WORSENING_*`)

On 1 July 2026 Verdure changed the carrier of one-off orders (first orders and add-ons; monthly boxes keep the
historical carrier): deliveries are slower, more attempts fail and more plants arrive damaged
({DAMAGED_RATE[QUARTERS[0]]:.0%} then {DAMAGED_RATE[QUARTERS[1]]:.0%} of orders).

| | {QUARTERS[0]} | {QUARTERS[1]} |
|---|---|---|
| customers with events in `onboard` | {o2['customers']:,} | {o3['customers']:,} |
| time in stage, first to last `onboard` event (median / mean days) | {o2['median_days']:.1f} / {o2['mean_days']:.1f} | **{o3['median_days']:.1f} / {o3['mean_days']:.1f}** |
| `delivery_failed_attempt` events | {o2['failed_attempts']:,} | {o3['failed_attempts']:,} |
| survey answers coded `DELIVERY_1`, mean CSAT | {o2['answers']:,}, {o2['csat']:.2f} | {o3['answers']:,}, **{o3['csat']:.2f}** |
| tickets `Late delivery` or `Damaged plant` | {o2['tickets']:,} | **{o3['tickets']:,}** |
| negative verbatims about late or damaged plants | {o2['negative_verbatims']:,} | **{o3['negative_verbatims']:,}** |

### d. A touchpoint customers use that nobody mapped: `{UNMAPPED_EVENT}` (`UNMAPPED_*`)

{u['customers']:,} customers ({_pct(u['share'])} of those with events) sent {u['events']:,} `{UNMAPPED_EVENT}`
events on raw channel `{UNMAPPED_CHANNEL_RAW}` (channel `{UNMAPPED_CHANNEL}`), mostly to reach support
({u['tickets']:,} tickets came through WhatsApp), a few with questions before a first order. No touchpoint lists
this event in `events:`; `values.channel` does map `WhatsApp` to `chat`.

### e. Personal data that must be redacted (`PII_PATTERNS`)

- Survey verbatims: {facts['pii_survey_rows']} answers ({_pct(PII_RATE)} of the non-empty verbatims) end with a
  sentence giving an e-mail address ({pii['email']}), a French mobile number ({pii['phone_fr']}) or a UK mobile
  number ({pii['phone_uk']}).
- Interviews: {len(facts['pii_interviews'])} transcripts end with an answer giving an e-mail address and a phone
  number: {', '.join(facts['pii_interviews'])}.
- Patterns: e-mails `firstname.lastname@example.fr`, `@example.com` or `@example.org` only; French numbers in
  the range that ARCEP reserves for fiction, `06 39 98 xx xx` or `+33 6 39 98 xx xx`; UK numbers in Ofcom's
  drama range, `+44 7700 900xxx` or `07700 900xxx`. No real address or number is used.
- Tickets carry no free text.

### f. Data-quality findings (counted exactly)

| finding | count |
|---|---|
| exact duplicate rows in `survey_responses.csv` (same `response_id`) | {q['duplicates']} |
| events whose `user_id` is not in the CRM (accounts deleted on request: {q['orphan_users']} ids `VRD-020311`...) | {q['orphan_events']} |
| NPS values of {NPS_OUT_OF_RANGE_VALUE} (out of the 0-10 range) | {q['nps_out_of_range']} |
| tickets resolved before they were created | {q['resolved_before_created']} |
| tickets not resolved yet (`resolved` null) | {q['unresolved']} |
| blank cells in the CRM: `Âge` / `Région` / `Segment marketing` | {q['blank_age']} / {q['blank_region']} / {q['blank_segment']} |

Skipped survey questions are blank, not errors: NPS is asked in most surveys, CES only after tasks (ordering,
account, support, cancelling), and the quarterly relationship survey (no `touchpoint_code`) asks NPS only.

### g. The workshop's beliefs that the data contradicts (`WRONG_ASSUMPTIONS`)

`assumed_emotion: {{all: ...}}` in `journey.yaml` is what the workshop believed (-2..+2). Measured here as the
mean CSAT of the touchpoint's answers minus 3:

| touchpoint | assumed | measured {QUARTERS[0]} | measured {QUARTERS[1]} | |
|---|---|---|---|---|
{belief_rows}

## At a glance

Customers with events per stage (a customer counts once per stage and quarter):

| stage | {QUARTERS[0]} | {QUARTERS[1]} |
|---|---|---|
{funnel_rows}

NPS of all valid answers: {facts['nps'][QUARTERS[0]]:+.1f} in {QUARTERS[0]}, {facts['nps'][QUARTERS[1]]:+.1f} in
{QUARTERS[1]} (target in `journey.yaml`: 30). Quarterly churn of subscribers active at the start of the
quarter: {_pct(facts['churn'][QUARTERS[0]])} then {_pct(facts['churn'][QUARTERS[1]])}.
"""
