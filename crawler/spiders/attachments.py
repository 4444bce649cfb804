"""PDF attachments of an article page, downloaded before the page goes to ingest.

MIIT often publishes the policy itself only as a PDF behind a short notice
(``iframe[fileurl]`` or 附件 links). Any spider that yields article pages mixes this
in: the page item waits in the request meta while its PDFs are fetched one after the
other; their text lands in ``page.meta["attachments"]`` (see :mod:`crawler.pagedoc`).
A PDF that fails is noted as an error and the article is kept without its text.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawler.attachtext import attachment_text
from crawler.items import Page
from crawler.pdftext import PdfError
from crawler.spiders.base import SourceSpider, describe_failure, failed_request, short_url
from crawler.spiders.links import attachment_links


class AttachmentsMixin(SourceSpider):
    """Adds :meth:`with_attachments` to a spider."""

    #: Attachment file types downloaded for their text (the column spider adds Word and Excel).
    attachment_exts: ClassVar[tuple[str, ...]] = (".pdf",)

    def with_attachments(self, page: Page, response: Response) -> Iterator[Request | Page]:
        """Yield the requests for the page's PDFs (allowed hosts only), or the page when it has none."""
        source = self.source_named(page.source)
        page.meta.setdefault("attachments", [])
        limit = self.settings.getint("POLICYWATCH_MAX_ATTACHMENTS", 5)
        links = attachment_links(response.text, response.url, self.attachment_exts) if hasattr(response, "text") else []
        pending = [link for link in links if self.allowed(link["url"], source)][:limit]
        yield from self._next_attachment(page, pending)

    def parse_recheck(self, response: Response) -> Iterator[Request | Page]:
        """A known document fetched again on its re-check interval (nothing on 304)."""
        if self.not_modified(response):
            return
        page = self.page(response, kind_hint=response.meta.get("pw_kind"), keep_validators=True)
        yield from self.with_attachments(page, response)

    def recheck_all(self) -> Iterator[Request]:
        """The re-check requests of every source of this spider (see :meth:`SourceSpider.due_rechecks`)."""
        for source in self.sources:
            for known in self.due_rechecks(source):
                yield self.recheck_request(known, source, self.parse_recheck)

    def _next_attachment(self, page: Page, pending: list[dict[str, str]]) -> Iterator[Request | Page]:
        if not pending:
            yield page
            return
        first, rest = pending[0], pending[1:]
        yield self.request(first["url"], self.source_named(page.source), self.parse_attachment,
                           errback=self.attachment_failed, headers={"Referer": page.final_url},
                           pw_page_item=page, pw_pending=rest, pw_attachment=first,
                           download_maxsize=self.settings.getint("POLICYWATCH_PDF_MAXSIZE"))

    def parse_attachment(self, response: Response) -> Iterator[Request | Page]:
        """A downloaded attachment: its text joins the article page, then the next attachment."""
        page: Page = response.meta["pw_page_item"]
        attachment = dict(response.meta["pw_attachment"])
        cut: dict[str, object] = {}
        try:
            attachment["text"] = attachment_text(response.body, truncated=cut)
            if cut:
                attachment["truncated"] = cut
        except PdfError as exc:
            self.runlog.error(page.source, f"{exc}: {short_url(response.url)}")
        page.meta["attachments"].append(attachment)
        yield from self._next_attachment(page, response.meta["pw_pending"])

    def attachment_failed(self, failure: Failure) -> Iterator[Request | Page]:
        """A PDF that cannot be fetched: note the error, keep the article without its text."""
        meta = failed_request(failure).meta
        page: Page = meta["pw_page_item"]
        self.runlog.error(page.source, describe_failure(failure))
        page.meta["attachments"].append(dict(meta["pw_attachment"]))
        yield from self._next_attachment(page, meta["pw_pending"])
