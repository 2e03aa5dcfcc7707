"""The report as a PDF: the HTML document laid out on pages by WeasyPrint (an optional extra).

WeasyPrint is a Python library: `pip install 'retail-stage[pdf]'` is the whole install where
the system has Pango (every common Linux desktop, macOS with Homebrew's pango, Windows through
its installer), and it lays out the same HTML and print stylesheet a browser prints, page
margins, running footer and page numbers included. A headless browser would need a program
found on PATH and a process per report. Without it, `PdfUnavailable` says how to install it.
"""

from __future__ import annotations

from typing import Any

from retail_stage.messages import _
from retail_stage.render.report_data import Report


class PdfUnavailable(RuntimeError):
    """No PDF engine here; the message is the one line that says how to get one."""


def _engine() -> Any:  # weasyprint ships no type hints
    try:
        import weasyprint  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError as missing:
        raise PdfUnavailable(
            _(
                "writing a PDF needs WeasyPrint: pip install 'retail-stage[pdf]' "
                "(pipx inject retail-stage weasyprint; uv tool install 'retail-stage[pdf]')"
            )
        ) from missing
    except OSError as missing:  # WeasyPrint is there, the Pango library it draws with is not
        raise PdfUnavailable(
            _(
                "writing a PDF needs the Pango library that WeasyPrint draws with: "
                "see https://doc.courtbouillon.org/weasyprint/stable/first_steps.html ({why})"
            ).format(why=str(missing).splitlines()[0] if str(missing) else type(missing).__name__)
        ) from missing
    return weasyprint


def check_engine() -> None:
    """Raise `PdfUnavailable` now, before any work, where no PDF can be written."""
    _engine()


def report_pdf(report: Report) -> bytes:
    """The report on A4 pages (the same report gives the same bytes)."""
    weasyprint = _engine()
    from retail_stage.render.report_html import report_html

    html = report_html(report, open_details=True)
    data: bytes = weasyprint.HTML(string=html).write_pdf()
    return data
