"""The precursor area's code lists, declared once.

Each list is a ``TextChoices``: its values are the codes the database, the API and the rule
books use (``policy.py`` validates ``policies/precursors/*.toml`` against them), and its
label, translated, is the only Chinese name the pages show. Where a rule book also names a
code (the departments), ``checks.precursor_code_labels_match`` refuses to start when the two
names differ. Nothing here imports a model, so the rule-book schema can read it before the
app registry is ready.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    CAT_1 = "1", _("Category 1 precursor")
    CAT_2 = "2", _("Category 2 precursor")
    CAT_3 = "3", _("Category 3 precursor")
    NARCOTIC = "narcotic", _("Narcotic drug")
    PSYCHOTROPIC_1 = "psychotropic_1", _("Psychotropic drug, class I")
    PSYCHOTROPIC_2 = "psychotropic_2", _("Psychotropic drug, class II")
    EPHEDRINE_PREPARATION = "ephedrine_preparation", _("Compound ephedrine preparation")
    NPS = "nps", _("New psychoactive substance")


class Unit(models.TextChoices):
    KG = "kg", _("kg")
    LITRE = "L", _("litre")
    GRAM = "g", _("g")
    PACK = "pack", _("minimum pack")
    ITEM = "item", _("item")


class Sector(models.TextChoices):
    CHEMICAL = "chemical", _("Chemical (non-drug precursors)")
    PHARMACEUTICAL = "pharmaceutical", _("Pharmaceutical (drug-class precursors, pharmacies)")
    MEDICAL = "medical", _("Medical institution")


class Activity(models.TextChoices):
    PRODUCE = "produce", _("Produces")
    TRADE = "trade", _("Trades")
    USE = "use", _("Uses")
    TRANSPORT = "transport", _("Transports")
    STORE = "store", _("Stores")
    RETAIL_PHARMACY = "retail_pharmacy", _("Retail pharmacy")
    MEDICAL = "medical", _("Clinic or hospital")


class Department(models.TextChoices):
    PUBLIC_SECURITY = "public_security", _("Public security")
    MARKET_REGULATION = "market_regulation", _("Market regulation (drugs)")
    EMERGENCY_MANAGEMENT = "emergency_management", _("Emergency management (safety)")
    HEALTH = "health", _("Health")


class LicenceKind(models.TextChoices):
    PRODUCTION_LICENCE = "production_licence", _("Production licence")
    OPERATION_LICENCE = "operation_licence", _("Operation licence")
    PURCHASE_LICENCE = "purchase_licence", _("Purchase licence")
    PURCHASE_FILING = "purchase_filing", _("Purchase filing certificate")
    TRANSPORT_LICENCE = "transport_licence", _("Transport licence")
    TRANSPORT_FILING = "transport_filing", _("Transport filing certificate")
    OPERATION_FILING = "operation_filing", _("Operation filing certificate (category 3)")


class Movement(models.TextChoices):
    PURCHASE = "purchase", _("Purchase")
    SALE = "sale", _("Sale")
    USE = "use", _("Use in production")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    LOSS = "loss", _("Loss")
    DESTRUCTION = "destruction", _("Destruction")
    TRANSPORT = "transport", _("Transport")
    STOCK_COUNT = "stock_count", _("Stock count")


class Payment(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer")
    CASH = "cash", _("Cash")
    BARTER = "barter", _("Barter")
    CARD = "card", _("Card")
    CHEQUE = "cheque", _("Cheque")
    OTHER = "other", _("Other")


class Source(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Excel import")
    API = "api", _("API")


class FlagRule(models.TextChoices):
    UNLICENSED_SALE = "unlicensed_sale", _("Sale to a buyer without a valid licence or filing")
    OVER_PERMITTED = "over_permitted", _("Quantity above the permitted amount")
    OVER_PERMITTED_YEAR = "over_permitted_year", _("Year's purchases above the permitted amount")
    CASH_PAYMENT = "cash_payment", _("Cash or barter payment")
    STOCK_MISMATCH = "stock_mismatch", _("Stock does not reconcile")
    UNMATCHED_SALE = "unmatched_sale", _("Sale not matched by the buyer's purchase")
    UNLICENSED_TRANSPORT = "unlicensed_transport", _("Transport without licence or filing")
    LATE_FILING = "late_filing", _("Sale filed late with the police")
    MISSING_ANNUAL_REPORT = "missing_annual_report", _("Annual report missing")
    UNUSUAL_PURCHASE = "unusual_purchase", _("Unusual purchase")
    EPHEDRINE_OVER_PACKS = "ephedrine_over_packs", _("More than the allowed packs in one sale")
    EPHEDRINE_REPEAT_BUYER = "ephedrine_repeat_buyer", _("Repeated purchases by one buyer")
    NPS_HELD = "nps_held", _("A new psychoactive substance in a ledger")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
