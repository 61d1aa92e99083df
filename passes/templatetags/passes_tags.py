from django import template

from passes.selectors import usable_pass_for

register = template.Library()


@register.simple_tag(takes_context=True)
def usable_pass(context, event):
    """{% usable_pass event as pass %}: the signed-in visitor's pass for `event`."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return usable_pass_for(user, event)
