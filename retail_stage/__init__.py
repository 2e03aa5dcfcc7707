"""retail-stage: where a retailer stands in the digitalization of retail.

    from retail_stage import load_rubric, load_profiles, score
    rubric = load_rubric()                      # the bundled model
    for profile in load_profiles("examples/profiles"):
        print(score(rubric, profile).stage)

    # in a notebook loop, a bad file is an item, not the end of the loop:
    for item in load_profiles("inbox", errors="yield"):
        if isinstance(item, SourceError):
            print(item)             # PATH:LINE:COL: error: MESSAGE

The engine imports neither rich nor typer, so this maps well over partitions of profiles.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from retail_stage.version import __version__

if TYPE_CHECKING:
    from retail_stage.engine import CompiledRubric, Result
    from retail_stage.loading import Document
    from retail_stage.rubric import Rubric
    from retail_stage.sources import SourceError

__all__ = ["SourceError", "__version__", "load_profiles", "load_rubric", "score"]


def __getattr__(name: str) -> Any:
    """SourceError, imported when first asked for: `import retail_stage` stays free of YAML."""
    if name == "SourceError":
        from retail_stage.sources import SourceError

        return SourceError
    raise AttributeError(f"module 'retail_stage' has no attribute {name!r}")


def load_rubric(path: str | Path | None = None, lang: str | None = None) -> Rubric:
    """The rubric at `path`, or the bundled one, its texts in `lang` (default: its first language).

    Raises SourceError with positioned problems.
    """
    from retail_stage.loading import load_rubric as _load

    return _load(path, lang)


@overload
def load_profiles(
    path: str | Path, errors: Literal["raise"] = "raise", *, rubric: Rubric | None = None
) -> Iterator[Document]: ...
@overload
def load_profiles(
    path: str | Path, errors: Literal["yield"], *, rubric: Rubric | None = None
) -> Iterator[Document | SourceError]: ...
def load_profiles(
    path: str | Path, errors: Literal["raise", "yield"] = "raise", *, rubric: Rubric | None = None
) -> Iterator[Document] | Iterator[Document | SourceError]:
    """Every profile document in a file or folder, in order; a survey export (.csv, .tsv,
    .xlsx) gives one a company, its rows as `respondents`, its columns matched to the
    questions of `rubric` (default: the bundled one, in each of its languages).

    A file that cannot be read or parsed raises SourceError (`errors="raise"`), or is given in
    its place as a SourceError and the files after it are still read (`errors="yield"`).
    """
    if errors not in ("raise", "yield"):
        raise ValueError(f'errors must be "raise" or "yield", not {errors!r}')
    return _documents(str(path), raise_errors=errors == "raise", rubric=rubric)


def _documents(path: str, raise_errors: bool, rubric: Rubric | None) -> Iterator[Any]:
    from retail_stage.batch import SURVEY_KINDS, find_inputs, read_input
    from retail_stage.intake import survey_documents
    from retail_stage.loading import Failure, documents_from_text
    from retail_stage.loading import load_rubric as _load
    from retail_stage.sources import SourceError

    for item in find_inputs([path]):
        try:
            if isinstance(item, Failure):
                raise SourceError(item.problems)
            if item.kind in SURVEY_KINDS.values():
                rubrics = [rubric] if rubric else [_load(None, lang) for lang in _load().languages]
                found: Iterator[Any] = survey_documents(item.path, item.kind or "csv", rubrics)
            else:
                text, kind = read_input(item)
                found = documents_from_text(text, item.path, kind)
            for document in found:
                if not isinstance(document, Failure):
                    yield document
                    continue
                failure = SourceError(document.problems)  # one profile; the next ones follow
                if raise_errors:
                    raise failure
                yield failure
        except SourceError as failure:  # the file cannot be read on: the next file can
            if raise_errors:
                raise
            yield failure


_last_compiled: list[tuple[Any, Any]] = []


def _compile(rubric: Rubric | CompiledRubric) -> CompiledRubric:
    from retail_stage.engine import CompiledRubric, compile_rubric

    if isinstance(rubric, CompiledRubric):
        return rubric
    if _last_compiled and _last_compiled[0][0] is rubric:
        compiled: CompiledRubric = _last_compiled[0][1]
        return compiled
    compiled = compile_rubric(rubric)
    _last_compiled[:] = [(rubric, compiled)]
    return compiled


def score(rubric: Rubric | CompiledRubric, profile: Document | Mapping[str, Any]) -> Result:
    """Score one profile (a loaded Document, or a mapping shaped like a profile file).

    Raises SourceError for a profile that does not fit the rubric.
    """
    from retail_stage.loading import Document, score_document

    compiled = _compile(rubric)
    if not isinstance(profile, Document):
        import json

        profile = Document("<data>", "<data>", profile, json.dumps(profile, default=str, indent=1))
    return score_document(compiled, profile)
