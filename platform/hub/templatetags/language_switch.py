"""The language switch in the header of every page (templates/base.html).

It was an {% include %} of a template asking i18n's tags for the available languages and
their info on each render: a sixth of a product page's rendering time. Here the options are
built once per (languages, current language) and a render only adds the visitor's CSRF
token and the path to come back to. Each language is named in itself (简体中文, English), so a
reader can find their own.
"""

from django import template
from django.conf import settings
from django.template.defaulttags import CsrfTokenNode
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

register = template.Library()

# (language codes, current language) -> the <option>s; (urlconf, script prefix) -> action.
_options: dict[tuple, str] = {}
_actions: dict[tuple, str] = {}
_csrf_token = CsrfTokenNode()


def _options_html(codes: tuple[str, ...], current: str) -> str:
    found = _options.get((codes, current))
    if found is None:
        found = _options[(codes, current)] = "".join(
            f'<option value="{escape(code)}" lang="{escape(code)}"'
            f"{' selected' if code == current else ''}>"
            f"{escape(get_language_info(code)['name_local'])}</option>"
            for code in codes
        )
    return found


def _action() -> str:
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    found = _actions.get(key)
    if found is None:
        found = _actions[key] = escape(reverse("set_language"))
    return found


@register.simple_tag(takes_context=True)
def language_switch(context) -> str:
    return language_switch_html(context.get("request"), _csrf_token.render(context))


def language_switch_html(request, csrf_input: str) -> str:
    """The form itself; `csrf_input` is the visitor's hidden CSRF field, already HTML. Also the
    Jinja2 storefront's `language_switch` (config.jinja_env)."""
    codes = tuple(code for code, _name in settings.LANGUAGES)
    next_path = escape(request.get_full_path()) if request is not None else ""
    # Outside the f-string: xgettext cannot see gettext calls inside f-strings.
    label, button = escape(_("语言")), escape(_("切换"))
    return mark_safe(  # noqa: S308  (escaped above; the labels are ours)
        f'<form class="lang" action="{_action()}" method="post">{csrf_input}\n'
        f'  <input name="next" type="hidden" value="{next_path}">\n'
        f'  <label class="sr" for="lang-select">{label}</label>\n'
        f'  <select id="lang-select" name="language">\n'
        f"    {_options_html(codes, get_language())}\n"
        f"  </select>\n"
        f'  <button type="submit">{button}</button>\n'
        f"</form>"
    )
