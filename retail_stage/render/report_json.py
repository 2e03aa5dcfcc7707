"""The report as JSON: the result object of DESIGN §2 plus what the report adds (`report`)."""

from __future__ import annotations

import json
import re
from typing import Any

from retail_stage.render.report_data import (
    NOT_APPLICABLE,
    Evidence,
    Mover,
    PeerRow,
    PeersView,
    Report,
)

# json.dumps escapes C0 controls but not DEL, C1 controls or bidi overrides; a terminal that
# shows the file must not act on them, so they are written as \\u escapes (the value is the same).
_UNSAFE = re.compile(r"[\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def safe_json(data: Any) -> str:
    """Indented JSON that keeps non-ASCII text but escapes every control and bidi character."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def _evidence(e: Evidence) -> dict[str, Any]:
    ind = e.indicator
    return {
        "id": ind.id,
        "stage": ind.stage,
        "dimension": ind.dimension,
        "focus": ind.focus,
        "weight": ind.weight,
        "question": ind.question,
        "source": " ".join(ind.source.split()),
        "status": e.answer.status,
        "answer": e.answer.value,
        "answer_text": e.answer.text,
        "better": e.answer.better,
        "score": "n/a" if e.score == NOT_APPLICABLE else e.score,
        "gate": None if e.gate_holds is None else {"needs": ind.gate_score, "holds": e.gate_holds},
        "note": e.note,
    }


def _mover(m: Mover) -> dict[str, Any]:
    e = m.evidence
    return {
        "id": e.indicator.id,
        "question": e.indicator.question,
        "answer_text": e.answer.text,
        "better": e.answer.better,
        "next_gain": m.next_gain,
        "best": m.best,
        "gain": m.gain,
        "failed_gate": m.failed_gate,
        "in_smallest_set": m.in_smallest_set,
        "list": m.belongs_to,
    }


def report_dict(report: Report) -> dict[str, Any]:
    """`Result.to_dict()` with a `report` object: meanings, label outlook, steps, evidence."""
    data = report.result.to_dict()
    view = report.label
    data["report"] = {
        "title": report.title,
        "stage_meaning": report.stage_meaning,
        "label_meaning": view.meaning,
        "stage_range_names": {"low": report.range_low, "high": report.range_high},
        "unknown_answers": report.unknown_count,
        "blocking_gates": [
            {
                "stage": s.id,
                "id": g.evidence.indicator.id,
                "needs": g.needs,
                "at_least": g.at_least,
            }
            for s in report.ladder
            for g in s.blocking_gates
        ],
        "label_outlook": {
            "threshold": view.threshold,
            "gap": view.gap,
            "blocked_by_stage": view.blocked_by_stage,
            "movers": [_mover(m) for m in view.movers if m.in_smallest_set],
        },
        "dimensions": [{"id": d.id, "name": d.name, "score": d.score} for d in report.dimensions],
        "strongest": report.strongest.id if report.strongest else None,
        "weakest": report.weakest.id if report.weakest else None,
        "next_steps": [_mover(m) for m in report.steps],
        "find_out": [
            {
                "id": f.evidence.indicator.id,
                "question": f.evidence.indicator.question,
                "swing": f.swing,
                "changes_stage": f.stage,
                "changes_label": f.label,
                "best": f.best,
            }
            for f in report.find_out
        ],
        "evidence": [_evidence(e) for _, rows in report.evidence for e in rows],
    }
    if report.peers is not None:
        data["peers"] = peers_dict(report.peers)
    return data


def _standing(row: PeerRow) -> dict[str, Any]:
    return {
        "value": row.value,
        "median": row.median,
        "percentile": row.percentile,
        "below": row.below,
        "peers": row.peers,
    }


def peers_dict(view: PeersView) -> dict[str, Any]:
    """Where the company stands among its peers: each value's percentile (the share of peers
    in a lower bin of 0.01), the peers' medians, the median peer and the most common next stage."""
    return {
        "count": view.count,
        "sources": list(view.sources),
        "left_out": view.left_out,
        "invalid": view.invalid,
        "index": _standing(view.index),
        "focus": {"traffic": _standing(view.traffic), "supply": _standing(view.supply)},
        "dimensions": {row.id: _standing(row) for row in view.dimensions},
        "median_peer": {
            "stage": view.median_stage_id,
            "next_stage_attainment": view.median_next_attainment,
        },
        "next_stage": (
            None
            if view.next_stage is None
            else {"id": view.next_stage[0], "peers": view.next_stage[2]}
        ),
        "stages": {stage: count for stage, _name, count in view.stages},
    }


def report_json(report: Report) -> str:
    """The report as one indented JSON object."""
    return safe_json(report_dict(report))
