"""Django's own messages that visitors read, kept in our catalog so they speak
Spanish with "tú" like the rest of the site.

Django's Spanish catalog addresses the reader as "usted" ("Introduzca un número",
"Su contraseña debe contener…"), which clashes with every other sentence on the
site. Our catalog (locale/, named by LOCALE_PATHS) wins over the ones Django ships,
so a msgid given Spanish in locale/es/…/django.po replaces Django's. But
makemessages keeps only the msgids it finds in our own source and would drop these
on its next run; listing them here with gettext_noop / ngettext_lazy (which only
mark a string: nothing here is used at run time) keeps them. Each msgid is copied
exactly from Django's catalog (django/conf/locale and contrib/auth/locale); a
Django upgrade that rewords one leaves ours unused, and
spanglish/tests/test_spanish_voice.py notices it.

Covered: form field and validator errors (booking, sign-up, profile forms), the
password rules and the password forms, and the CSRF failure page a visitor with
cookies blocked sees. The admin's own strings live in spanglish/admin_overrides.py.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

FORM_ERRORS = [
    gettext_noop("This field is required."),
    gettext_noop("Enter a valid value."),
    gettext_noop("Enter a valid URL."),
    gettext_noop("Enter a valid integer."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter only digits separated by commas."),
    gettext_noop("Ensure this value is %(limit_value)s (it is %(show_value)s)."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is a multiple of step size %(limit_value)s."),
    gettext_noop("Enter a number."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid time."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("Enter a valid duration."),
    gettext_noop("No file was submitted. Check the encoding type on the form."),
    gettext_noop("The submitted file is empty."),
    gettext_noop("Please either submit a file or check the clear checkbox, not both."),
    gettext_noop(
        "Upload a valid image. The file you uploaded was either not an image or a "
        "corrupted image."
    ),
    gettext_noop(
        "Select a valid choice. %(value)s is not one of the available choices."
    ),
    gettext_noop(
        "Select a valid choice. That choice is not one of the available choices."
    ),
    gettext_noop("Enter a list of values."),
    gettext_noop("Enter a complete value."),
    gettext_noop("Enter a valid UUID."),
    gettext_noop("“%(pk)s” is not a valid value."),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has "
        "%(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has "
        "%(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has "
        "%(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has "
        "%(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        "max",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
        "max",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit before the decimal point.",
        "Ensure that there are no more than %(max)s digits before the decimal point.",
        "max",
    ),
    ngettext_lazy(
        "Ensure this filename has at most %(max)d character (it has %(length)d).",
        "Ensure this filename has at most %(max)d characters (it has %(length)d).",
        "max",
    ),
]

PASSWORDS = [
    gettext_noop("The two password fields didn’t match."),
    gettext_noop("Password confirmation"),
    gettext_noop("Enter the same password as before, for verification."),
    gettext_noop(
        "Please enter a correct %(username)s and password. Note that both fields "
        "may be case-sensitive."
    ),
    gettext_noop("New password"),
    gettext_noop("New password confirmation"),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    gettext_noop("Old password"),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop(
        "Your password can’t be too similar to your other personal information."
    ),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be entirely numeric."),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
]

CSRF_FAILURE_PAGE = [
    gettext_noop("Forbidden"),
    gettext_noop("CSRF verification failed. Request aborted."),
    gettext_noop(
        "You are seeing this message because this HTTPS site requires a “Referer "
        "header” to be sent by your web browser, but none was sent. This header is "
        "required for security reasons, to ensure that your browser is not being "
        "hijacked by third parties."
    ),
    gettext_noop(
        "If you have configured your browser to disable “Referer” headers, please "
        "re-enable them, at least for this site, or for HTTPS connections, or for "
        "“same-origin” requests."
    ),
    gettext_noop(
        'If you are using the <meta name="referrer" content="no-referrer"> tag or '
        "including the “Referrer-Policy: no-referrer” header, please remove them. "
        "The CSRF protection requires the “Referer” header to do strict referer "
        "checking. If you’re concerned about privacy, use alternatives like <a "
        'rel="noreferrer" …> for links to third-party sites.'
    ),
    gettext_noop(
        "You are seeing this message because this site requires a CSRF cookie when "
        "submitting forms. This cookie is required for security reasons, to ensure "
        "that your browser is not being hijacked by third parties."
    ),
    gettext_noop(
        "If you have configured your browser to disable cookies, please re-enable "
        "them, at least for this site, or for “same-origin” requests."
    ),
]
