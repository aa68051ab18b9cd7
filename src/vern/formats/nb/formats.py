# "6. desember 2026", everywhere, short or long: a numeric date reads differently
# from one country to the next. Django's own formats give the rest.
DATE_FORMAT = "j. F Y"
DATETIME_FORMAT = r"j. F Y \k\l. H:i"
SHORT_DATE_FORMAT = "j. F Y"
SHORT_DATETIME_FORMAT = r"j. F Y \k\l. H:i"
TIME_FORMAT = "H:i"
