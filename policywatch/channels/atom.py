"""An Atom feed of alerts: a file for feed readers, and the renderer the web page serves.

``render_atom`` builds a whole feed from archive alerts (the web app serves it at
/alerts.atom); the ``atom`` channel keeps a feed file up to date, one entry per alert,
so that any feed reader can follow the alerts without a server.
"""
from __future__ import annotations

import logging
import os
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from policywatch.channels.base import Channel, DeliveryError, register
from policywatch.clock import DEFAULT_ZONE, local_iso, moment
from policywatch.config import ChannelKind
from policywatch.messages import RELATION_LABELS, AlertView, headline, render_html, render_text, web_url
from policywatch.textsafe import clean_text
from store import clock
from store.records import AlertRecord

ATOM_NS = "http://www.w3.org/2005/Atom"
_A = "{" + ATOM_NS + "}"
ET.register_namespace("", ATOM_NS)
log = logging.getLogger(__name__)


def render_atom(alerts: Sequence[AlertRecord], *, base_url: str, timezone: str = DEFAULT_ZONE) -> str:
    """A complete Atom feed (newest first) of archive alerts; all text escaped; times in ``timezone``."""
    views = [AlertView.from_record(a, base_url=base_url) for a in alerts]
    return _serialise(_feed(base_url, (_entry(v, base_url, timezone) for v in views), timezone=timezone))


def _feed(base_url: str, entries: Iterable[ET.Element], title: str = "policywatch alerts", *,
          timezone: str = DEFAULT_ZONE) -> ET.Element:
    base = base_url.rstrip("/")
    feed = ET.Element(_A + "feed")
    ET.SubElement(feed, _A + "id").text = f"{base}/alerts"
    ET.SubElement(feed, _A + "title").text = title
    ET.SubElement(feed, _A + "link", rel="self", href=f"{base}/alerts.atom")
    ET.SubElement(feed, _A + "link", rel="alternate", type="text/html", href=f"{base}/alerts")
    ET.SubElement(feed, _A + "generator").text = "policywatch"
    items = list(entries)
    stamps = [e.findtext(_A + "updated") for e in items]
    dated = [(when, stamp) for stamp in stamps if stamp and (when := moment(stamp))]
    newest = max(dated)[1] if dated else _rfc3339(None, timezone)
    ET.SubElement(feed, _A + "updated").text = newest
    feed.extend(items)
    return feed


def _entry(alert: AlertView, base_url: str, timezone: str) -> ET.Element:
    entry = ET.Element(_A + "entry")
    ET.SubElement(entry, _A + "id").text = alert.review_url
    change = headline(alert)
    title = f"{change} — {alert.title}" if change else alert.title
    ET.SubElement(entry, _A + "title").text = f"[{alert.priority.upper()}] {title}"
    ET.SubElement(entry, _A + "updated").text = _rfc3339(alert.created_at, timezone)
    ET.SubElement(entry, _A + "published").text = _rfc3339(alert.created_at, timezone)
    author = ET.SubElement(entry, _A + "author")
    ET.SubElement(author, _A + "name").text = alert.account or alert.source or "policywatch"
    ET.SubElement(entry, _A + "link", rel="alternate", type="text/html", href=alert.review_url)
    if alert.url and web_url(alert.url):
        ET.SubElement(entry, _A + "link", rel="related", href=alert.url)
    terms = [(alert.kind, "kind"), (alert.priority, "priority")]
    terms += [(alert.relation, "relation")] if alert.kind == "plan" else []
    for term, label in terms:
        ET.SubElement(entry, _A + "category", term=term, label=RELATION_LABELS.get(term, term),
                      scheme=f"{base_url.rstrip('/')}/{label}")
    inbox = f"{base_url.rstrip('/')}/alerts"
    ET.SubElement(entry, _A + "summary", type="text").text = render_text([alert], inbox_url=inbox, cap=1000)
    ET.SubElement(entry, _A + "content", type="html").text = render_html([alert], inbox_url=inbox)
    return entry


def _serialise(feed: ET.Element) -> str:
    """The feed as XML text; every text and attribute passes :func:`clean_text`, so it always parses."""
    for element in feed.iter():
        element.text = clean_text(element.text) if element.text else element.text
        element.tail = clean_text(element.tail) if element.tail else element.tail
        for name, value in element.attrib.items():
            element.set(name, clean_text(value))
    ET.indent(feed)
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + ET.tostring(feed, encoding="unicode") + "\n"


def _rfc3339(value: str | None, timezone: str) -> str:
    """A stored time (or now) as RFC 3339 in the display zone, its offset labelling it."""
    return local_iso(value, timezone) or local_iso(clock.now(), timezone) or ""


@register
class AtomChannel(Channel):
    """An Atom feed file of alerts, newest first, for any feed reader.

    path: where to write the feed (e.g. /var/www/policywatch/alerts.atom); written
    atomically, so a reader never sees half a file. entries: how many alerts to keep
    (default 100). An alert sent again replaces its own entry, never duplicates it.
    The web page serves the same feed at /alerts.atom.
    """

    kind = ChannelKind.ATOM
    options = {"path": str, "entries": int, "title": str}
    required = ("path",)
    digestable = False

    def preview(self, batch: Sequence[AlertView], key: str) -> str:
        """The feed entries this batch adds."""
        return "\n".join(_serialise(_entry(alert, self.base_url, self.timezone)) for alert in batch)

    def send(self, batch: Sequence[AlertView], key: str) -> None:
        """Merge the batch's entries into the feed file."""
        path = Path(self.option("path")).expanduser()
        fresh = [_entry(alert, self.base_url, self.timezone) for alert in batch]
        ids = {e.findtext(_A + "id") for e in fresh}
        kept = [e for e in self._existing(path) if e.findtext(_A + "id") not in ids]
        entries = sorted(fresh + kept, key=_updated, reverse=True)
        feed = _feed(self.base_url, entries[: self.option("entries", 100)],
                     self.option("title", "policywatch alerts"), timezone=self.timezone)
        _write_atomically(path, _serialise(feed))

    def _existing(self, path: Path) -> list[ET.Element]:
        """The entries of the feed file; none when it is missing or damaged.

        A damaged file (cut short, or written with characters XML forbids) would otherwise
        fail every later delivery: it is kept beside the feed as ``<name>.damaged`` and the
        feed is rebuilt from the alerts sent from now on.
        """
        if not path.exists():
            return []
        try:
            return ET.parse(path).getroot().findall(_A + "entry")
        except ET.ParseError as exc:
            log.warning("the feed %s is damaged (%s): kept as %s.damaged, rebuilding it", path, exc, path.name)
            _keep_damaged(path)
            return []
        except OSError as exc:
            raise DeliveryError(f"cannot read the existing feed {path}: {exc}") from None


def _keep_damaged(path: Path) -> None:
    try:
        os.replace(path, path.with_name(path.name + ".damaged"))
    except OSError as exc:
        raise DeliveryError(f"cannot move the damaged feed {path} aside: {exc}") from None


def _updated(entry: ET.Element) -> datetime:
    """An entry's update time, for sorting entries written in any zone."""
    return moment(entry.findtext(_A + "updated")) or datetime.min.replace(tzinfo=UTC)


def _write_atomically(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, path)
    except OSError as exc:
        raise DeliveryError(f"cannot write the feed {path}: {exc}") from None
