"""The ministry's volunteer programmes, and the short names staff write for them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Programme(models.TextChoices):
    APM = "apm", _("social development and human security volunteer (อพม.)")
    APS = "aps", _("home-care volunteer for older people (อผส.)")
    APMK = "apmk", _("volunteer for persons with disabilities (อพมก.)")
    MINISTRY = "ministry", _("volunteer of another ministry")
    FOREIGN = "foreign", _("foreign volunteer")
    NETWORK = "network", _("network or จิตอาสา member")


# The short names Thai staff write in registers and on cards.
PROGRAMME_ABBREVIATIONS = {
    Programme.APM: "อพม.",
    Programme.APS: "อผส.",
    Programme.APMK: "อพมก.",
    Programme.MINISTRY: "อาสาสมัครกระทรวงอื่น",
    Programme.FOREIGN: "อาสาสมัครต่างชาติ",
    Programme.NETWORK: "จิตอาสา",
}
