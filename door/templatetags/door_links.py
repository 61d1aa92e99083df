from django import template

from door.links import cant_come_path, cant_come_url

register = template.Library()


@register.simple_tag
def cant_come_link(ticket, absolute=False) -> str:
    """The signed "Can't come" address of a ticket (absolute for emails)."""
    return cant_come_url(ticket) if absolute else cant_come_path(ticket)
