"""report --peers: where a company stands among its peers, from profiles or a summary JSON.

The expected numbers are worked out by hand from the examples' scores (`retail-stage score
examples/profiles -f jsonl`), values counted in bins of 0.01 (bin = int(value * 100)):

    profile      index   traffic supply  channels cust  pay   inv    supply dat    store org
    01 mama      0.1278  .1358   .0263   .1357   .1143  .60   .025   .125   .0     .10   .0
    02 brandt    1.2574  .5009   .1621   .8714   .3393  .45   .2417  .3455  .1125  .30   .3238
    03 lotus     2.2739  .8585   .2508   1.0     .8643  1.0   .7917  .2636  .3312  .52   .4667
    04 nimbus    3.0     .9962   .9455   1.0     .9857  1.0   1.0    .8909  1.0    1.0   1.0
    05 casa      1.3074  .5245   .7174   .8714   .3464  .85   .2875  .8364  .5188  .40   .619
    06 belle     1.3519  .5698   .0      .9143   .5714  .50   .1667  .1818  .1125  .20   .2143
    07 marigold  1.7426  .7519   .3098   .9714   .5893  .85   .7667  .4273  .3312  .42   .3952
    08 quickstop 2.2772  .6906   .2826   .8857   .6571  .70   .525   .4273  .3312  .30   .4667
    09 ventura   2.5878  .8736   .6242   1.0     .80    1.0   .8667  .8364  .575   .42   .6476
    10 pixelcart 2.3687  .847    .3114   1.0     .6643  1.0   .7958  .475   .4812  .50   .4667
    11 hanami    3.0     .9415   .5061   1.0     .9429  .85   .8083  .5909  .6875  .64   .7905
    12 tienda    0.6778  .3566   .0      .6857   .1429  .70   .25    .0909  .0     .0    .0714

Lotus among the other 11: its index 2.2739 is in bin 227; 01, 02, 05, 06, 07 and 12 are in
lower bins (6), Quickstop's 2.2772 is in the same bin 227 and so not behind: 6/11 = 0.5455.
Traffic .8585 (bin 85): 01 02 05 06 07 08 10 12 below, 8/11. Supply .2508 (bin 25): 01 02 06
12, 4/11. Channels 1.0: the four other 1.0s are not behind, 7/11. Customer .8643: only 04 and
11 are higher, 9/11. Payment 1.0: 04 09 10 tie, 8/11. Inventory .7917 (bin 79): 10's .7958 is
the same bin, 04 09 11 higher, 7/11. Supply chain .2636: 01 06 12 lower, 3/11. Data .3312: 07
and 08 tie, 01 02 06 12 lower, 4/11. Stores .52: only 04 and 11 higher, 9/11. Organisation
.4667: 08 and 10 tie, 04 05 09 11 higher, 5/11.

Medians of 11 peers are the 6th value up: index 1.7426 (Marigold, bin 174: 1.745), traffic
.6906 (bin 69: .695), supply .3098 (bin 30: .305), channels .9143 (bin 91: .915). The peers'
stages are single 2 (01 12), multi 4 (02 05 06 07), omni 3 (08 09 10), smart 2 (04 11): the
6th peer up is multi-channel, and the most common next stage is omni-channel (4 peers).
"""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from retail_stage import load_rubric, messages
from retail_stage.batch import score_paths
from retail_stage.cli import app
from retail_stage.engine import CompiledRubric, Result
from retail_stage.peer_paths import gather, same_source
from retail_stage.peers import PeerSet, quantile, standing
from retail_stage.render.report import print_report, render_report
from retail_stage.render.report_data import build_report
from retail_stage.render.report_formats import ReportFormat
from retail_stage.render.report_json import report_dict
from retail_stage.sources import SourceError

from .conftest import DATA, ROOT

LOTUS = "examples/profiles/03-lotus-lane-grocers.yaml"
SUMMARY = DATA / "peers-summary.json"
runner = CliRunner()


@pytest.fixture(autouse=True)
def in_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def lotus(compiled: CompiledRubric) -> Result:
    (result,) = score_paths(compiled, [LOTUS])
    assert isinstance(result, Result)
    return result


def among_examples(compiled: CompiledRubric) -> PeerSet:
    peers, failures = gather(["examples/profiles"], compiled, LOTUS)
    assert failures == []
    return peers


def percentiles(peers: PeerSet, result: Result) -> dict[str, tuple[int, int]]:
    found = {"index": peers.standing_index(result.index)}
    found["traffic"] = peers.standing_focus("traffic", result.focus_traffic)
    found["supply"] = peers.standing_focus("supply", result.focus_supply)
    for dim, score in result.dimensions:
        found[dim] = peers.standing_dimension(dim, score)
    return {key: (s.below, s.peers) for key, s in found.items()}


def test_lotus_among_the_other_examples_worked_out_by_hand(bundled: CompiledRubric) -> None:
    peers = among_examples(bundled)
    assert (peers.count, peers.left_out, peers.invalid) == (11, 1, 0)
    assert percentiles(peers, lotus(bundled)) == {
        "index": (6, 11),
        "traffic": (8, 11),
        "supply": (4, 11),
        "channels": (7, 11),
        "customer_marketing": (9, 11),
        "payment": (8, 11),
        "inventory_fulfilment": (7, 11),
        "supply_production": (3, 11),
        "data_decisions": (4, 11),
        "stores_staff": (9, 11),
        "organisation": (5, 11),
    }
    assert peers.standing_index(2.2739).percentile == 0.5455


def test_peer_medians_the_median_peer_and_the_most_common_next_stage(
    bundled: CompiledRubric,
) -> None:
    peers = among_examples(bundled)
    assert peers.standing_index(0.0).median == 1.745
    assert peers.standing_focus("traffic", 0.0).median == 0.695
    assert peers.standing_focus("supply", 0.0).median == 0.305
    assert peers.standing_dimension("channels", 0.0).median == 0.915
    assert peers.stage_counts == {
        "single_channel": 2,
        "multi_channel": 4,
        "omni_channel": 3,
        "smart_retail": 2,
    }
    assert peers.median_stage() == "multi_channel"
    assert peers.most_common_next_stage() == ("omni_channel", 4)
    view = build_report(lotus(bundled), bundled.rubric, peers=peers).peers
    assert view is not None
    assert (view.median_stage_id, view.median_next_attainment) == ("multi_channel", 0.745)
    assert view.marks == {"omni_channel": 0.745}  # on the bar of the stage it works toward
    assert view.next_stage == ("omni_channel", "Omni-channel retail", 4)


def test_the_company_is_left_out_of_its_peers_however_its_path_is_written(
    bundled: CompiledRubric,
) -> None:
    for named in ("./examples/profiles", str(ROOT / "examples/profiles"), "examples/*/*.yaml"):
        peers, _ = gather([named], bundled, LOTUS)
        assert (peers.count, peers.left_out) == (11, 1), named
    peers, _ = gather(["examples/profiles"], bundled, "examples/profiles/none.yaml")
    assert (peers.count, peers.left_out) == (12, 0)
    assert same_source("examples/profiles/../profiles/03-lotus-lane-grocers.yaml", LOTUS)
    assert not same_source(LOTUS, "examples/profiles/08-quickstop-mart.yaml")
    assert not same_source("a.yaml#1", "a.yaml#2")


def test_quantiles_and_percentiles_come_from_the_bins() -> None:
    bins = [0] * 100
    bins[10], bins[20], bins[30], bins[40] = 1, 2, 1, 0  # values in bins 10, 20, 20, 30
    assert [quantile(bins, q) for q in (0.25, 0.5, 0.75, 1.0)] == [0.105, 0.205, 0.205, 0.305]
    assert standing(bins, 0.2, 100)[:3] == (0.2, 1, 4)  # the two in bin 20 are not behind
    assert standing(bins, 0.999, 100).percentile == 1.0
    assert standing([0] * 100, 0.5, 100).percentile is None
    assert standing(bins, None, 100).percentile is None


def test_reading_the_summary_file_gives_the_counts_streaming_gives(
    bundled: CompiledRubric,
) -> None:
    peers, failures = gather([str(SUMMARY)], bundled, LOTUS)
    streamed, _ = gather(["examples/profiles"], bundled)  # all 12, as the summary holds them
    assert failures == []
    assert peers.to_distributions() == streamed.to_distributions()
    assert peers.stage_counts == streamed.stage_counts
    # A summary has no sources: Lotus is among its 12. 6 of 12 are in a lower index bin.
    assert (peers.count, peers.left_out) == (12, 0)
    assert percentiles(peers, lotus(bundled))["index"] == (6, 12)
    # omni-channel (4 peers work toward it: 02 05 06 07) ties smart retail (03 08 09 10): the
    # lower stage is named
    assert peers.most_common_next_stage() == ("omni_channel", 4)


def test_a_real_summary_of_score_is_read_as_peers(tmp_path: Path) -> None:
    made = tmp_path / "benchmark.json"
    done = runner.invoke(
        app, ["score", "examples/profiles", "--summary", "-f", "json", "-o", str(made)]
    )
    assert done.exit_code == 0, done.output
    assert "distributions" in json.loads(made.read_text(encoding="utf-8"))
    out = runner.invoke(app, ["report", LOTUS, "--peers", str(made), "-f", "json"])
    assert out.exit_code == 0, out.output
    shipped = runner.invoke(app, ["report", LOTUS, "--peers", str(SUMMARY), "-f", "json"])
    mine, theirs = json.loads(out.stdout)["peers"], json.loads(shipped.stdout)["peers"]
    assert (
        mine["index"]
        == theirs["index"]
        == {
            "value": 2.2739,
            "median": 1.745,
            "percentile": 0.5,
            "below": 6,
            "peers": 12,
        }
    )
    assert {k: v for k, v in mine.items() if k != "sources"} == {
        k: v for k, v in theirs.items() if k != "sources"
    }


def _hostile(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    data = json.loads(SUMMARY.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "peers.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def _refusal(path: Path) -> str:
    out = runner.invoke(app, ["report", LOTUS, "--peers", str(path)])
    assert out.exit_code == 1, out.output
    assert "Traceback" not in out.output
    assert out.stdout == ""
    (line,) = out.stderr.splitlines()
    return line


def test_a_peer_file_of_another_rubric_is_refused_with_one_located_line(tmp_path: Path) -> None:
    path = _hostile(tmp_path, lambda d: d["rubric"].update(id="other-rubric"))
    assert _refusal(path) == (
        f"{path}:3:11: error: the peers were scored with the rubric other-rubric, this report "
        "with retail-stages: make the summary with the same rubric (--rubric)"
    )


def _set(data: dict, keys: tuple, value: object) -> None:  # type: ignore[type-arg]
    for key in keys[:-1]:
        data = data[key]
    data[keys[-1]] = value


@pytest.mark.parametrize(
    ("keys", "value", "message"),
    [
        (("distributions", "index"), [1] * 299, "expected a list of 300 counts"),
        (("distributions", "index", 12), -1, "expected a count: a whole number, 0 or more"),
        (("distributions", "index", 12), True, "expected a count: a whole number, 0 or more"),
        (("distributions", "index", 12), 1.5, "expected a count: a whole number, 0 or more"),
        (("distributions", "index", 12), 10**30, "expected a count: a whole number, 0 or more"),
        (("distributions", "index"), "all", "expected a list of 300 counts"),
        (("distributions", "per_unit"), 10, "expected per_unit: 100"),
        (("distributions", "dimensions"), [], "expected an object of counts"),
        (
            ("distributions", "focus_supply", 0),
            9,
            "these counts add up to 19, the index counts 12 profiles",
        ),
        (("profiles",), 13, "expected the number of profiles counted in the index: 12"),
        (("stages", 0, "stage"), "nowhere", "expected a stage of the rubric retail-stages"),
        (("stages", 0, "count"), 3, "these counts add up to 13, the index counts 12 profiles"),
        (("rubric",), "retail-stages", "expected the rubric the summary was made with: its id"),
    ],
)
def test_a_bad_summary_gives_one_line_never_a_traceback(
    tmp_path: Path,
    keys: tuple,
    value: object,
    message: str,  # type: ignore[type-arg]
) -> None:
    path = _hostile(tmp_path, lambda d: _set(d, keys, value))
    line = _refusal(path)
    assert re.fullmatch(rf"{re.escape(str(path))}:\d+:\d+: error: .*", line), line
    assert message in line


def test_missing_counts_and_foreign_dimensions_are_named(tmp_path: Path) -> None:
    gone = _hostile(tmp_path, lambda d: d["distributions"]["dimensions"].pop("payment"))
    assert _refusal(gone).endswith("error: missing the counts of the dimension payment")
    older = _hostile(tmp_path, lambda d: d.pop("distributions"))
    assert "the summary has no distributions" in _refusal(older)
    extra = _hostile(tmp_path, lambda d: d["distributions"]["dimensions"].update(taste=[0] * 100))
    assert _refusal(extra).endswith("error: the rubric retail-stages has no dimension taste")
    broken = tmp_path / "broken.json"
    broken.write_text('{"rubric": {"id": "retail-stages"}, "profiles": 1, "stages": [', "utf-8")
    assert re.fullmatch(
        rf"{re.escape(str(broken))}:1:\d+: error: invalid JSON: .*", _refusal(broken)
    )


def test_bad_peer_profiles_are_reported_and_the_rest_still_count(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("company: {name: X}\nanswers: {nope: 1}\n", "utf-8")
    (tmp_path / "good.yaml").write_text(
        Path("examples/profiles/01-mama-wanjiru-duka.yaml").read_text("utf-8"), "utf-8"
    )
    out = runner.invoke(app, ["report", LOTUS, "--peers", str(tmp_path), "-f", "json"])
    assert out.exit_code == 1
    assert json.loads(out.stdout)["peers"]["count"] == 1
    assert json.loads(out.stdout)["peers"]["invalid"] == 1
    assert [line.split(": ")[0] for line in out.stderr.splitlines()] == [
        f"{tmp_path / 'bad.yaml'}:2:11"
    ]
    empty = runner.invoke(app, ["report", LOTUS, "--peers", LOTUS])
    assert empty.exit_code == 1
    assert empty.stderr == f"error: no peers to compare with in {LOTUS}\n"


def _documents(result: Result, peers: PeerSet | None, rubric=None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    rubric = rubric or load_rubric()
    out = io.StringIO()
    print_report(build_report(result, rubric, peers=peers), Console(file=out, width=100))
    documents = {"terminal": out.getvalue()}
    for fmt in (ReportFormat.TXT, ReportFormat.MD, ReportFormat.HTML, ReportFormat.SVG):
        documents[fmt.value] = render_report(result, rubric, fmt, peers=peers)
    return documents


def test_every_format_shows_the_peers(bundled: CompiledRubric) -> None:
    result, peers = lotus(bundled), among_examples(bundled)
    documents = _documents(result, peers)
    for name in ("terminal", "txt", "svg"):
        text = html.unescape(documents[name]).replace("\xa0", " ")
        assert "Among its peers" in text, name
        assert "Index 2.27: ahead of 55% of 11 peers." in text, name
        assert "◆ marks the peers' median" in text, name
    md = documents["md"]
    assert "## Among its peers" in md
    assert "**Index 2.27: ahead of 55% of 11 peers**." in md
    assert "| Inventory &amp; fulfilment | 79% | 52% | 64% |" in md
    assert "- The peers' most common next stage: Omni-channel retail (4 of 11 peers" in md
    page = documents["html"]
    assert '<section class="peers" aria-labelledby="peers">' in page
    assert page.count('<path class="peer"') == 3  # omni-channel's bar, traffic, supply
    assert page.count('<polygon class="peers"') == 1
    assert "stroke-dasharray" in page
    assert html.escape("peers' median") in page or "peers&#x27; median" in page
    data = report_dict(build_report(result, bundled.rubric, peers=peers))["peers"]
    assert data["index"] == {
        "value": 2.2739,
        "median": 1.745,
        "percentile": 0.5455,
        "below": 6,
        "peers": 11,
    }
    assert data["dimensions"]["supply_production"]["percentile"] == 0.2727
    assert data["median_peer"] == {"stage": "multi_channel", "next_stage_attainment": 0.745}
    assert data["next_stage"] == {"id": "omni_channel", "peers": 4}
    assert (data["count"], data["left_out"], data["sources"]) == (11, 1, ["examples/profiles"])


def test_without_peers_no_format_changes(bundled: CompiledRubric) -> None:
    result = lotus(bundled)
    documents = _documents(result, None)
    assert not any("peer" in text.lower() for text in documents.values())
    assert "peers" not in report_dict(build_report(result, bundled.rubric))


def test_the_cli_report_with_peers_in_every_file_format(tmp_path: Path) -> None:
    for suffix in ("html", "md", "json", "txt", "svg"):
        path = tmp_path / f"r.{suffix}"
        out = runner.invoke(app, ["report", LOTUS, "--peers", "examples/profiles", "-o", str(path)])
        assert out.exit_code == 0, out.output
        text = path.read_text(encoding="utf-8").replace("&#160;", " ")
        assert ('"peers"' if suffix == "json" else "Among its peers") in text, suffix
    both = runner.invoke(
        app,
        ["report", LOTUS, "--peers", "examples/profiles", "--peers", str(SUMMARY), "-f", "json"],
    )
    assert json.loads(both.stdout)["peers"]["count"] == 23  # 11 profiles and the summary's 12


def test_the_chinese_report_with_peers_has_no_english_words(bundled: CompiledRubric) -> None:
    from .test_messages import COMPILED_ZH, QUOTING_RUBRIC, _english, _seen

    messages.use("zh")
    zh = COMPILED_ZH
    result = lotus(zh)
    peers, _ = gather(["examples/profiles"], zh, LOTUS)
    documents = _documents(result, peers, QUOTING_RUBRIC)
    assert "同业对标" in documents["terminal"]
    assert "指数 2.27：领先 11 家同业中的 55%。" in documents["terminal"]
    english = {
        name: _english(
            _seen(ReportFormat(name) if name != "terminal" else ReportFormat.TXT, text), result
        )
        for name, text in documents.items()
    }
    assert english == {name: [] for name in documents}


def test_a_summary_that_is_not_json_of_counts_raises_a_located_source_error(
    bundled: CompiledRubric,
) -> None:
    text = SUMMARY.read_text(encoding="utf-8").replace('"per_unit": 100', '"per_unit": "100"')
    with pytest.raises(SourceError) as raised:
        PeerSet.from_summary(json.loads(text), bundled.rubric, "peers.json", text)
    assert str(raised.value.first) == "peers.json:60:17: error: expected per_unit: 100"
