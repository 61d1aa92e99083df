"""Date and time formats per language (settings.FORMAT_MODULE_PATH).

Django's own English formats read "Dec. 12, 2026, 6 p.m." (American, 12-hour) and
its Spanish ones "12 de diciembre de 2026 a las 18:00": neither is how a ticket or
an email should read. Ours are short, 24-hour and the same shape in both languages:
"Sat 12 Dec 2026, 18:00" / "sáb 12 dic 2026, 18:00". Pages and emails use the
names (`|date:"DATETIME_FORMAT"`, `DATE_FORMAT`, `TIME_FORMAT`), never literal
patterns, so each language gets its own. Anything not set here (input formats,
separators) falls back to Django's module for the language.
"""
