"""The customer record's choice lists (SPEC §3 data dictionary)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from review.models import review_statuses


class Kind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ORGANIZATION = "organization", _("Organization")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    UNKNOWN = "unknown", _("Unknown")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident ID card")
    PASSPORT = "passport", _("Passport")
    HK_MACAO_PERMIT = "hk_macao_permit", _("Mainland travel permit for Hong Kong and Macao residents")
    TAIWAN_PERMIT = "taiwan_permit", _("Mainland travel permit for Taiwan residents")
    FOREIGN_PERMANENT_ID = "foreign_permanent_id", _("Foreign permanent resident ID card")
    USCC = "uscc", _("Unified social credit code")


class Education(models.TextChoices):
    PRIMARY = "primary", _("Primary school")
    JUNIOR_HIGH = "junior_high", _("Junior high school")
    SENIOR_HIGH = "senior_high", _("Senior high school")
    VOCATIONAL = "vocational", _("Vocational school")
    ASSOCIATE = "associate", _("Associate degree")
    BACHELOR = "bachelor", _("Bachelor's degree")
    MASTER = "master", _("Master's degree")
    DOCTORATE = "doctorate", _("Doctorate")
    OTHER = "other", _("Other")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Single")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")
    UNKNOWN = "unknown", _("Unknown")


class EnterpriseNature(models.TextChoices):
    STATE_OWNED = "state_owned", _("State-owned")
    PRIVATE = "private", _("Private")
    FOREIGN_INVESTED = "foreign_invested", _("Foreign-invested")
    JOINT_VENTURE = "joint_venture", _("Joint venture")
    GOVERNMENT = "government", _("Government agency")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")
    OTHER = "other", _("Other")


class Industry(models.TextChoices):
    """GB/T 4754-2017 sections."""

    A = "A", _("A Agriculture, forestry, animal husbandry and fishery")
    B = "B", _("B Mining")
    C = "C", _("C Manufacturing")
    D = "D", _("D Electricity, heat, gas and water production and supply")
    E = "E", _("E Construction")
    F = "F", _("F Wholesale and retail trade")
    G = "G", _("G Transport, storage and postal services")
    H = "H", _("H Accommodation and catering")
    I = "I", _("I Information transmission, software and information technology services")  # noqa: E741
    J = "J", _("J Finance")
    K = "K", _("K Real estate")
    L = "L", _("L Leasing and business services")
    M = "M", _("M Scientific research and technical services")
    N = "N", _("N Water conservancy, environment and public facilities management")
    O = "O", _("O Resident services, repair and other services")  # noqa: E741
    P = "P", _("P Education")
    Q = "Q", _("Q Health and social work")
    R = "R", _("R Culture, sports and entertainment")
    S = "S", _("S Public administration, social security and social organizations")
    T = "T", _("T International organizations")


class CustomerNature(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    KEY_PARTNER = "key_partner", _("Key partner")
    COMPANY = "company", _("Company")
    CONSUMER = "consumer", _("Consumer")
    TRADE_PARTNER = "trade_partner", _("Trade partner")


class Tier(models.TextChoices):
    KEY = "key", _("Key")
    GENERAL = "general", _("General")
    OCCASIONAL = "occasional", _("Occasional")


class LifecycleStage(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active")
    DORMANT = "dormant", _("Dormant")
    FORMER = "former", _("Former")


class CreditStatus(models.TextChoices):
    GOOD = "good", _("Good")
    WATCH = "watch", _("Watch")
    POOR = "poor", _("Poor")
    UNKNOWN = "unknown", _("Unknown")


class SourceChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    WEB_FORM = "web_form", _("Web form")
    WALK_IN = "walk_in", _("Walk-in")
    REFERRAL = "referral", _("Referral")
    IMPORT = "import", _("Import")


# The review states, then what happens to an approved record at the end of its life.
Status = review_statuses(
    "Status",
    ARCHIVED=("archived", _("Archived")),
    DESTROYED=("destroyed", _("Destroyed")),
    MERGED=("merged", _("Merged into another record")),
)
