"""Writes the survey-export fixtures beside this file, in the layouts real form tools use.

Run from the repository root: python tests/data/surveys/make_fixtures.py

The answers are the example profiles 03 (Lotus Lane Grocers) and 08 (QuickStop Mart), as
three people at Lotus Lane and one at QuickStop would give them: the head of e-commerce sees
one stock pool where the supply-chain lead sees stock that is only visible, and so on.
`expected.yaml` holds the same answers as profiles with respondents: a file must score as
its profiles do.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import yaml

from retail_stage.loading import load_rubric
from retail_stage.questions import question_order

HERE = Path(__file__).parent
ROOT = HERE.parent.parent.parent
EN, ZH = load_rubric(lang="en"), load_rubric(lang="zh")


def answers_of(name: str) -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "examples" / "profiles" / name).read_text(encoding="utf-8"))
    return {k: v["value"] if isinstance(v, dict) else v for k, v in data["answers"].items()}


LOTUS = answers_of("03-lotus-lane-grocers.yaml")
QUICK = answers_of("08-quickstop-mart.yaml")
PEOPLE = [
    (
        "Lotus Lane Grocers",
        "CEO",
        "mei.lin@lotuslane.example",
        dt.datetime(2026, 10, 12, 9, 14, 3),
        LOTUS,
    ),
    (
        "Lotus Lane Grocers",
        "Head of e-commerce",
        "arjun@lotuslane.example",
        dt.datetime(2026, 10, 12, 11, 2, 41),
        {
            **LOTUS,
            "om_shared_inventory": "one-pool",
            "sr_consumer_behaviour_data": "segments",
            "om_electronic_payment_share": 98,
            "sr_smart_stores": None,
        },
    ),
    (
        "Lotus Lane Grocers",
        "Supply-chain lead",
        "tom.wu@lotuslane.example",
        dt.datetime(2026, 10, 13, 8, 30, 0),
        {
            **LOTUS,
            "om_shared_inventory": "visible",
            "sr_automated_replenishment": 20,
            "sr_supply_chain_integration": "shared-data",
            "mc_channel_types": ["stores", "app"],
        },
    ),
    ("QuickStop Mart", "COO", "ana@quickstop.example", dt.datetime(2026, 9, 30, 16, 45, 12), QUICK),
]
ORDER = question_order(EN)
BY_ID_ZH = {ind.id: ind for ind in ZH.indicators}


def labels(rubric_ind: Any) -> dict[str, str]:
    answer = rubric_ind.answer
    found = getattr(answer, "levels", None) or getattr(answer, "options", None) or ()
    return {o.id: o.label for o in found}


def cell(ind: Any, value: Any, joiner: str, yes: str = "Yes", no: str = "No") -> Any:
    if value is None or value == "unknown":
        return ""
    if value == "n/a":
        return "N/A"
    if value is True:
        return yes
    if value is False:
        return no
    if isinstance(value, list):
        return joiner.join(labels(ind)[v] for v in value) or "None of the above"
    if isinstance(value, (int, float)):
        return value
    return labels(ind)[value]


def google_forms() -> None:
    """Google Forms' "Download responses (.csv)": its timestamp form, ', ' between choices."""
    with open(HERE / "google-forms.csv", "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(
            [
                "Timestamp",
                "Email address",
                "Company name",
                "Your role",
                *(ind.question for ind in ORDER),
            ]
        )
        for company, role, email, when, answers in PEOPLE:
            stamp = when.strftime("%Y/%m/%d %-I:%M:%S %p") + " GMT+8"
            row = [stamp, email, company, role]
            for ind in ORDER:
                value = cell(ind, answers.get(ind.id), ", ")
                if ind.id == "om_electronic_payment_share" and value != "":
                    value = f"{value}%"
                row.append(value)
            writer.writerow(row)


def microsoft_forms() -> None:
    """Microsoft Forms' "Open in Excel": ID, times, e-mail, name; ';' after every choice.
    This client filled in the Chinese questionnaire."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(
        [
            "ID",
            "Start time",
            "Completion time",
            "Email",
            "Name",
            "公司名称",
            *(BY_ID_ZH[ind.id].question for ind in ORDER),
        ]
    )
    for number, (company, role, email, when, answers) in enumerate(PEOPLE, start=1):
        row = [number, when - dt.timedelta(minutes=14), when, email, role, company]
        for ind in ORDER:
            zh = BY_ID_ZH[ind.id]
            value = cell(zh, answers.get(ind.id), ";", "是", "否")
            if isinstance(answers.get(ind.id), list) and value:
                value = "以上都没有" if not answers[ind.id] else value + ";"
            row.append(value)
        sheet.append(row)
    book.save(HERE / "microsoft-forms.xlsx")


def surveymonkey() -> None:
    """SurveyMonkey's "All responses, expanded": two header rows, a column per option of a
    multiple choice (the option's name when ticked), a BOM and CRLF."""
    meta = [
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "IP Address",
        "Email Address",
        "First Name",
        "Last Name",
        "Custom Data 1",
    ]
    first = [*meta, "Company name"]
    second = [""] * len(meta) + ["Open-Ended Response"]
    for ind in ORDER:
        if ind.answer.kind == "multi":
            options = [*labels(ind).values(), "None of the above"]
            first += [ind.question] + [""] * (len(options) - 1)
            second += options
        else:
            first.append(ind.question)
            second.append("Open-Ended Response" if ind.answer.kind == "number" else "Response")
    with open(HERE / "surveymonkey.csv", "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(first)
        writer.writerow(second)
        for number, (company, role, email, when, answers) in enumerate(PEOPLE, start=1):
            row = [
                str(114000000 + number),
                "4321",
                when.strftime("%m/%d/%Y %I:%M:%S %p"),
                when.strftime("%m/%d/%Y %I:%M:%S %p"),
                "203.0.113.7",
                email,
                role,
                "",
                "",
                company,
            ]
            for ind in ORDER:
                value = answers.get(ind.id)
                if ind.answer.kind == "multi":
                    chosen = value if isinstance(value, list) else []
                    row += [label if oid in chosen else "" for oid, label in labels(ind).items()]
                    row.append("" if chosen or value is None else "None of the above")
                else:
                    row.append(cell(ind, value, ", "))
            writer.writerow(row)


QUALTRICS_META = [
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Asia/Shanghai"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Asia/Shanghai"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"Asia/Shanghai"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("RecipientLastName", "Recipient Last Name", '{"ImportId":"recipientLastName"}'),
    ("RecipientFirstName", "Recipient First Name", '{"ImportId":"recipientFirstName"}'),
    ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
    ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
    ("LocationLatitude", "Location Latitude", '{"ImportId":"locationLatitude"}'),
    ("LocationLongitude", "Location Longitude", '{"ImportId":"locationLongitude"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
]
QUALTRICS_OWN_WORDING = "om_customer_identity"
"""This question was reworded in the survey; its export tag is the indicator id."""


def qualtrics() -> None:
    """Qualtrics' "Export data, CSV, use choice text": three header rows (export tags, question
    texts, import ids), ',' between choices, its metadata columns."""
    names = [m[0] for m in QUALTRICS_META] + ["Q1", "Q2"]
    texts = [m[1] for m in QUALTRICS_META] + ["Company name", "Your role"]
    ids = [m[2] for m in QUALTRICS_META] + ['{"ImportId":"QID1_TEXT"}', '{"ImportId":"QID2_TEXT"}']
    for number, ind in enumerate(ORDER, start=3):
        own = ind.id == QUALTRICS_OWN_WORDING
        names.append(ind.id if own else f"Q{number}")
        texts.append("How do your customers identify themselves to you?" if own else ind.question)
        ids.append(f'{{"ImportId":"QID{number}"}}')
    with open(HERE / "qualtrics.csv", "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerows([names, texts, ids])
        for number, (company, role, _, when, answers) in enumerate(PEOPLE, start=1):
            stamp = when.strftime("%Y-%m-%d %H:%M:%S")
            row = [stamp, stamp, "IP Address", "203.0.113.9", "100", "412", "True", stamp]
            row += [f"R_{number:02d}xQ7aLmN3pZ", "", "", "", "", "31.2222", "121.4581"]
            row += ["anonymous", "EN", company, role]
            row += [cell(ind, answers.get(ind.id), ",") for ind in ORDER]
            writer.writerow(row)


def expected() -> None:
    documents = []
    for company in dict.fromkeys(p[0] for p in PEOPLE):
        documents.append(
            {
                "rubric": {"id": "retail-stages", "version": "1.1"},
                "company": {"name": company},
                "respondents": [
                    {
                        "name": role,
                        "timestamp": when.isoformat(sep=" "),
                        "answers": {k: v for k, v in answers.items() if v is not None},
                    }
                    for name, role, _, when, answers in PEOPLE
                    if name == company
                ],
            }
        )
    (HERE / "expected.yaml").write_text(
        "# The answers of the survey fixtures as profiles (see make_fixtures.py).\n"
        + yaml.safe_dump_all(documents, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )


if __name__ == "__main__":
    google_forms()
    microsoft_forms()
    surveymonkey()
    qualtrics()
    expected()
