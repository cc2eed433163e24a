"""The one PDF renderer of the platform: a Django template rendered to HTML, laid out by
WeasyPrint with the machine's Noto CJK fonts (named by family in the templates' CSS; WeasyPrint
embeds the glyphs it uses, so the file reads the same anywhere). Nothing is fetched from the
network or the disk: only `data:` URLs (inline QR codes, images) are read.

Small PDFs (a certificate, a letter, a post's risk card) are rendered in the request
(`pdf_response`); a PDF of a whole school or area is rendered in the background
(`core.render_jobs`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from .excel import attachment

PDF = "application/pdf"
ALLOWED_PROTOCOLS = frozenset({"data"})


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of an HTML document; any reference other than a data: URL is refused."""
    import weasyprint  # heavy import: only when a PDF is asked for
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=set(ALLOWED_PROTOCOLS))
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()


def render_pdf(template: str, context: dict[str, Any], *, request: HttpRequest | None = None) -> bytes:
    """A template rendered (in the active language) and laid out as PDF bytes."""
    return html_to_pdf(render_to_string(template, context, request=request))


def pdf_response(
    data: bytes, filename: str, *, download: bool = False, private: bool = False
) -> HttpResponse:
    """A PDF answer: shown in the browser, or downloaded; `private` forbids any cache to keep it."""
    response = HttpResponse(data, content_type=PDF)
    response["Content-Disposition"] = attachment(filename, "attachment" if download else "inline")
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


def render_pdf_parts(
    template: str, contexts: Sequence[dict[str, Any]], *, progress: Callable[[int], None] | None = None
) -> bytes:
    """One PDF of several parts rendered one after the other (a school's classes, a county's
    schools), reporting progress after each; the pages are joined into one document."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=set(ALLOWED_PROTOCOLS))
    documents = []
    for done, context in enumerate(contexts, start=1):
        html = render_to_string(template, context)
        documents.append(weasyprint.HTML(string=html, url_fetcher=fetcher).render())
        if progress is not None:
            progress(round(95 * done / len(contexts)))
    if not documents:
        return html_to_pdf(render_to_string(template, {}))
    pages = [page for doc in documents for page in doc.pages]
    return documents[0].copy(pages).write_pdf()
