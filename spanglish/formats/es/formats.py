# Spanish: "sáb 12 dic 2026, 18:00" (lower-case abbreviations, as Spanish writes
# them). See spanglish/formats.
DATE_FORMAT = "D j b Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "D j b Y, H:i"
YEAR_MONTH_FORMAT = r"F \d\e Y"
MONTH_DAY_FORMAT = r"j \d\e F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
