"""``policywatch normalise``: one page (path or URL) to the Document, as JSON, text or markdown."""
from __future__ import annotations

import html
import json
from urllib.parse import quote

import click

from crawler.normalise import KINDS, help_texts, load, normalise
from crawler.normalise.fetch import read_target
from store.model import Document

_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


def _list_kinds(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--list-kinds``: print each normaliser's help line and stop."""
    if not value or ctx.resilient_parsing:
        return
    for kind, text in help_texts().items():
        click.echo(f"{kind:8} {text}")
    ctx.exit(0)


@click.command("normalise")
@click.argument("target", metavar="PATH_OR_URL")
@click.option("--kind", type=click.Choice(KINDS), default=None, help="Force a normaliser (default: detect).")
@click.option("--format", "fmt", type=click.Choice(["json", "text", "markdown"]), default="json",
              show_default=True, help="json: the Document contract; text: header and body; markdown: a readable page.")
@click.option("--url", default=None, metavar="URL",
              help="The page's address when reading a saved file or stdin (canonical URL, attachment links).")
@click.option("--timeout", type=float, default=20.0, show_default=True, help="Seconds to wait for a URL.")
@click.option("--list-kinds", is_flag=True, expose_value=False, is_eager=True, callback=_list_kinds,
              help="List the normalisers and what each reads, then exit.")
def normalise_command(target: str, kind: str | None, fmt: str, timeout: float, url: str | None) -> None:
    """Normalise PATH_OR_URL (a saved page, a markdown export, a PDF, - for stdin, or an http(s) URL).

    \b
    Examples:
      policywatch normalise seeds/000_9b394f8deb7d7ec6.txt
      policywatch normalise page.html --format text
      policywatch normalise https://mp.weixin.qq.com/s/XXXX --format markdown
      policywatch normalise notice.html --kind miit
      curl -s URL | policywatch normalise - --url URL

    Kinds are detected from the content: wechat, miit, export, generic.
    Bad input (empty, binary, truncated, no article text, missing path) exits with status 2.
    """
    doc = _document(target, kind, timeout, url)
    if doc.status != "ok":
        reason = doc.meta.get("message") or ""
        click.echo(f"Note: the page is {doc.status}" + (f" ({reason})" if reason else "") + "; no body.", err=True)
    click.echo(render(doc, fmt))


def _document(target: str, kind: str | None, timeout: float, url: str | None) -> Document:
    """``load`` the target, or read it and normalise it under the URL the user names."""
    if not url:
        return load(target, kind=kind, timeout=timeout)
    fetched = read_target(target, timeout=timeout)
    return normalise(fetched.data, url=url, kind=kind, headers=fetched.headers)


def render(doc: Document, fmt: str) -> str:
    """The document in the chosen output format."""
    if fmt == "json":
        return json.dumps(doc.to_json_contract(), ensure_ascii=False, indent=2)
    if fmt == "markdown":
        return _markdown(doc)
    return _text(doc)


def _facts(doc: Document) -> list[tuple[str, str]]:
    pairs = [("kind", doc.kind), ("status", doc.status), ("url", doc.canonical_url or doc.url),
             ("account", doc.account), ("author", doc.author), ("doc number", doc.doc_number),
             ("published", doc.published_at), ("origin", doc.origin), ("original link", doc.origin_url),
             ("repost of", doc.repost_from), ("source", doc.source)]
    return [(k, v) for k, v in pairs if v]


def _text(doc: Document) -> str:
    lines = [doc.title or "(untitled)", ""]
    lines += [f"{key}: {value}" for key, value in _facts(doc)]
    lines += [f"attachment: {a['title']} <{a['url']}>" for a in doc.attachments]
    if doc.lead:
        lines += ["", "--- lead ---", doc.lead]
    if doc.body:
        lines += ["", "--- body ---", doc.body]
    return "\n".join(lines)


def _markdown(doc: Document) -> str:
    """A readable page; page text is HTML-escaped because Markdown renderers pass raw HTML through."""
    def safe(text: str) -> str:
        return html.escape(text, quote=False)

    lines = [f"# {safe(doc.title or '(untitled)')}", ""]
    lines += [f"- **{key}**: {safe(value)}" for key, value in _facts(doc)]
    lines += [f"- **attachment**: [{safe(a['title'])}](<{quote(a['url'], safe=_URL_SAFE)}>)" for a in doc.attachments]
    if doc.lead:
        lines += ["", "## Lead", "", safe(doc.lead)]
    if doc.body:
        lines += ["", "## Body", "", safe(doc.body)]
    return "\n".join(lines)


COMMANDS = [normalise_command]
