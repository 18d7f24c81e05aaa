"""``{% made_once "name" value ... %}…{% endmade_once %}``: a part of a page that is the same for everyone
whatever the data, such as the site's header and footer, rendered once per process for each language and
each set of values named after it (``selvhjelp.pagecache.made_once``). Nothing inside may show anything
about a person, a contact point or the figures, unless it is one of the values named."""

from typing import cast

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.safestring import SafeString

from selvhjelp import pagecache

register = template.Library()


class MadeOnceNode(template.Node):
    def __init__(self, nodelist: NodeList, varying: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.varying = varying

    def render(self, context: template.Context) -> SafeString:
        key = tuple(value.resolve(context) for value in self.varying)
        # The template's own output, kept as rendered: marked safe by Django.
        return cast(SafeString, pagecache.made_once(key, lambda: self.nodelist.render(context)))


@register.tag("made_once")
def do_made_once(parser: Parser, token: Token) -> MadeOnceNode:
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError('made_once needs a name: {% made_once "footer" %}')
    nodelist = parser.parse(("endmade_once",))
    parser.delete_first_token()
    return MadeOnceNode(nodelist, [parser.compile_filter(bit) for bit in bits])
