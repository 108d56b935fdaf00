"""The map of the sample company, as its workshop left it: stages, touchpoints and ``journey.yaml``.

The touchpoints also list the raw event names of the analytics log, which the simulation
(:mod:`journeykit.sample_simulation`) indexes with the tables below.
"""

from __future__ import annotations

import numpy as np
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
from .sample_facts import (
    FRICTION_EVENTS,
    FRICTION_NEXT_EVENT,
    RAW_CHANNELS,
    SURVEY_CODES,
    UNMAPPED_EVENT,
    WRONG_ASSUMPTIONS,
)

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
     ["mobile app", "payment provider SDK"], list(FRICTION_EVENTS), WRONG_ASSUMPTIONS["checkout_payment"]),
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
     ["e-commerce platform", "subscription billing"], ["renewal_page_view", "renew_confirm"], 1.0),
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

_TICKET_VIA = ("Call centre", "E-mail", "Web", "WhatsApp")  # the raw channels of the helpdesk export


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
