"""Dates as the public pages write them ("4 December 2026", templates' ``date:"j F Y"``), for
everything Django formats by name: the admin's lists, history and date filters included, which
would otherwise read "Dec. 4, 2026" beside the site's dates. The rest is Django's English.

Typed dates are read day first, as a British reader writes them; ISO first, as the admin's
calendar writes it.
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2026-12-04'
    "%d/%m/%Y",  # '04/12/2026'
    "%d/%m/%y",  # '04/12/26'
    "%d %b %Y",  # '4 Dec 2026'
    "%d %B %Y",  # '4 December 2026'
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S.%f",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y %H:%M:%S",
    "%d/%m/%y %H:%M",
]
