#!/usr/bin/env python3
"""Re-reads every export beside this file by its folder's mapping.yaml, the way the mapping
syntax says cxsite reads it, and checks that it gives exactly the rows of long/responses.csv
(as a multiset). A check of make.py's output, independent of make.py: it reads only the
files. Needs PyYAML (`pip install pyyaml`) for the mappings; cxsite's tests do not run it.

    python3 Tests/CXCoreTests/Fixtures/exports/crosscheck.py
"""

import collections
import csv
import datetime as dt
import glob
import io
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
LABELS = {
    "nps": {"not at all likely": 0, "extremely likely": 10},
    "csat": {"very dissatisfied": 1, "dissatisfied": 2, "neither satisfied nor dissatisfied": 3, "satisfied": 4,
             "very satisfied": 5},
    "ces": {"strongly disagree": 1, "disagree": 2, "somewhat disagree": 3, "neither agree nor disagree": 4,
            "somewhat agree": 5, "agree": 6, "strongly agree": 7},
}
SCALES = {"nps": range(0, 11), "csat": range(1, 6), "ces": range(1, 8)}


def decode(data):
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le")
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    return data.decode("utf-8")


def read_table(path, fmt):
    with open(path, "rb") as f:
        text = decode(f.read())
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t" if path.endswith(".tsv") else ","))
    skip = {"qualtrics": 2, "surveymonkey": 1}.get(fmt, 0)
    header = [name.strip() for name in rows[0]]
    if fmt == "qualtrics":
        assert rows[2][0].startswith('{"ImportId"'), f"{path}: row 3 is not Qualtrics' ImportId row"
    return header, rows[1 + skip:]


def column(header, name, path):
    if name in header:
        return header.index(name)
    lowered = [h.lower() for h in header]
    if name.lower() in lowered:
        return lowered.index(name.lower())
    raise SystemExit(f"{path}: no column {name!r}")


def spec(value):
    """A mapping's column: a name, or {column, values}."""
    if value is None:
        return None, {}
    if isinstance(value, dict):
        return value["column"], {str(k).strip().lower(): str(v) for k, v in (value.get("values") or {}).items()}
    return str(value), {}


def names(site, key):
    return {str(item["id"]).lower(): item["id"] for item in site[key]} | \
        {str(item.get("name", item["id"])).lower(): item["id"] for item in site[key]}


def match(raw, values, known, what, path):
    text = raw.strip()
    if not text:
        return ""
    found = values.get(text.lower()) or known.get(text.lower())
    if found is None:
        raise SystemExit(f"{path}: {what} {text!r} matches nothing")
    return found


def score(raw, metric, values, path):
    text = raw.strip()
    if text.lower() in values:
        value = int(values[text.lower()])
    elif re.fullmatch(r"-?\d+", text):
        value = int(text)
    elif re.match(r"\d+\s*-", text):
        value = int(re.match(r"\d+", text).group())
    elif text.lower() in LABELS[metric]:
        value = LABELS[metric][text.lower()]
    else:
        raise SystemExit(f"{path}: {text!r} is no {metric} score")
    assert value in SCALES[metric], f"{path}: {value} out of the {metric} scale"
    return value


def day(raw, fmt, order, path):
    text = raw.strip()
    if re.match(r"\d{4}-\d{2}-\d{2}", text):
        return text[:10]
    if fmt == "delighted" and re.fullmatch(r"\d+", text):
        return dt.datetime.fromtimestamp(int(text), dt.timezone.utc).date().isoformat()
    found = re.match(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    order = order or {"surveymonkey": "month-first", "googleforms": "month-first"}.get(fmt)
    if not found or not order:
        raise SystemExit(f"{path}: cannot read the date {text!r}")
    a, b, year = map(int, found.groups())
    month, d = (a, b) if order == "month-first" else (b, a)
    return dt.date(year, month, d).isoformat()


def read_export(site, mapping):
    fmt = mapping.get("format", "columns")
    paths = sorted(p for p in glob.glob(os.path.join(HERE, mapping["files"]))
                   if os.path.splitext(p)[1] in (".csv", ".tsv"))
    assert paths, f"no file matches {mapping['files']}"
    segments, touchpoints, journeys = names(site, "segments"), names(site, "touchpoints"), names(site, "journeys")
    out = collections.Counter()
    for path in paths:
        header, rows = read_table(path, fmt)
        at = lambda name: column(header, name, path)
        date_col = at(mapping["date"])
        resp_col = at(mapping["respondent"]) if mapping.get("respondent") else None
        seg_name, seg_values = spec(mapping.get("segment"))
        tp_name, tp_values = spec(mapping.get("touchpoint"))
        jr_name, jr_values = spec(mapping.get("journey"))
        filters = [(at(name), {str(v).lower() for v in (vals if isinstance(vals, list) else [vals])})
                   for name, vals in (mapping.get("where") or {}).items()]
        for row in rows:
            cell = lambda index: row[index] if index is not None and index < len(row) else ""
            if any(cell(index).strip().lower() not in wanted for index, wanted in filters):
                continue
            date = day(cell(date_col), fmt, mapping.get("date_order"), path)
            respondent = cell(resp_col).strip()
            segment = match(cell(at(seg_name)), seg_values, segments, "segment", path) if seg_name else ""
            row_tp = match(cell(at(tp_name)), tp_values, touchpoints, "touchpoint", path) if tp_name else ""
            row_jr = match(cell(at(jr_name)), jr_values, journeys, "journey", path) if jr_name else ""
            for question in mapping["questions"]:
                raw = cell(at(question["column"]))
                if not raw.strip():
                    continue
                metric = question.get("metric") or cell(at(question["metric_column"])).strip().lower()
                values = {str(k).strip().lower(): v for k, v in (question.get("values") or {}).items()}
                value = score(raw, metric, values, path)
                comment = cell(at(question["comment"])) if question.get("comment") else ""
                tp, jr = row_tp, row_jr
                if question.get("level") == "relationship":
                    tp, jr = "", ""
                if question.get("journey"):
                    tp, jr = "", question["journey"]
                if question.get("touchpoint"):
                    tp, jr = question["touchpoint"], ""
                out[(date, metric, str(value), respondent, segment, tp, jr, comment)] += 1
    return out


def main():
    with open(os.path.join(HERE, "cxsite.yaml"), encoding="utf-8") as f:
        site = yaml.safe_load(f)
    with open(os.path.join(HERE, "long/responses.csv"), encoding="utf-8", newline="") as f:
        long = collections.Counter(tuple(row) for row in list(csv.reader(f))[1:])
    failed = False
    for mapping_path in sorted(glob.glob(os.path.join(HERE, "*/mapping.yaml"))):
        folder = os.path.basename(os.path.dirname(mapping_path))
        with open(mapping_path, encoding="utf-8") as f:
            block = yaml.safe_load(f)
        assert list(block) == ["responses"], f"{folder}/mapping.yaml holds more than responses:"
        got = collections.Counter()
        for mapping in block["responses"]:
            got += read_export(site, mapping)
        if got == long:
            print(f"{folder}: {sum(got.values())} rows, the same as long/responses.csv")
        else:
            failed = True
            print(f"{folder}: DIFFERS — {sum((got - long).values())} extra, {sum((long - got).values())} missing")
            for row in list((got - long).elements())[:3]:
                print("  extra  ", row)
            for row in list((long - got).elements())[:3]:
                print("  missing", row)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
