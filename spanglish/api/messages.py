"""DRF's validation messages, listed so that our catalogue (locale/) holds them.

The API answers in the request's language (Accept-Language). DRF's own Spanish
addresses the reader as "usted" and is uneven; Django looks in LOCALE_PATHS before
any app's catalogue, so the Spanish written for these msgids in locale/es is what
clients read. Nothing imports this module: `makemessages` finds the strings here.
Each msgid is exactly DRF's (rest_framework/fields.py, relations.py), placeholders
included.
"""

from django.utils.translation import gettext_noop

DRF_FIELD_MESSAGES = [
    gettext_noop("This field is required."),
    gettext_noop("This field may not be null."),
    gettext_noop("This field may not be blank."),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
    gettext_noop("Ensure this field has at least {min_length} characters."),
    gettext_noop("Ensure this field has no more than {max_length} elements."),
    gettext_noop("Ensure this field has at least {min_length} elements."),
    gettext_noop("Ensure this value is less than or equal to {max_value}."),
    gettext_noop("Ensure this value is greater than or equal to {min_value}."),
    gettext_noop("Ensure that there are no more than {max_digits} digits in total."),
    gettext_noop(
        "Ensure that there are no more than {max_decimal_places} decimal places."
    ),
    gettext_noop(
        "Ensure that there are no more than {max_whole_digits} digits before the "
        "decimal point."
    ),
    gettext_noop("Must be a valid boolean."),
    gettext_noop("A valid integer is required."),
    gettext_noop("A valid number is required."),
    gettext_noop("String value too large."),
    gettext_noop("Must be a valid UUID."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a valid URL."),
    gettext_noop(
        'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'
    ),
    gettext_noop("This value does not match the required pattern."),
    gettext_noop('"{input}" is not a valid choice.'),
    gettext_noop('Expected a list of items but got type "{input_type}".'),
    gettext_noop("This list may not be empty."),
    gettext_noop("Invalid data. Expected a dictionary, but got {datatype}."),
    gettext_noop(
        "Datetime has wrong format. Use one of these formats instead: {format}."
    ),
    gettext_noop("Date has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Time has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Expected a datetime but got a date."),
    gettext_noop("Expected a date but got a datetime."),
    gettext_noop("Datetime value out of range."),
    gettext_noop('Invalid datetime for the timezone "{timezone}".'),
    gettext_noop('Invalid pk "{pk_value}" - object does not exist.'),
    gettext_noop("Incorrect type. Expected pk value, received {data_type}."),
    gettext_noop("No file was submitted."),
    gettext_noop("The submitted file is empty."),
    gettext_noop(
        "The submitted data was not a file. Check the encoding type on the form."
    ),
    gettext_noop("Null characters are not allowed."),
]
