"""``{% kept "name" key %}…{% endkept %}``: a part of an office's page rendered once for its key (``figures.kept``)."""

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context

from figures.kept import kept

register = template.Library()


class KeptNode(template.Node):
    def __init__(self, nodelist: NodeList, name: FilterExpression, key: FilterExpression) -> None:
        self.nodelist, self.name, self.key = nodelist, name, key

    def render(self, context: Context) -> str:
        # As Django's own {% cache %}: a node's output is the page's HTML as rendered, escaped when it was.
        key = f"{self.name.resolve(context)}:{self.key.resolve(context)}"
        return kept(key, lambda: str(self.nodelist.render(context)), len)


@register.tag("kept")
def do_kept(parser: Parser, token: Token) -> KeptNode:
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes a name and a key")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, parser.compile_filter(bits[1]), parser.compile_filter(bits[2]))
