#!/usr/bin/env python3
"""Writes the survey-platform export fixtures beside this file.

One set of answers (150 customers of a home insurer, July to December 2026) is written in
cxsite's long form (long/responses.csv) and as five platforms export it, in seven folders
(Qualtrics three ways), each with the `responses:` block of cxsite.yaml that reads it
(mapping.yaml). README.md says what each file imitates and where its shape comes from;
crosscheck.py re-reads every export by its mapping and compares it with the long file.

Deterministic (random.Random(2026), and a generator of its own per platform) and standard
library only: run it again and the files come out byte for byte the same.

    python3 Tests/CXCoreTests/Fixtures/exports/make.py
"""

import csv
import json
import datetime as dt
import io
import os
import random
import string

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(2026)

COMPANY = "Harbour Mutual"
TOUCHPOINTS = [
    ("claim-report", "First Notice of Loss"),
    ("assessment", "Damage assessment"),
    ("repair", "Repair"),
    ("billing", "Billing"),
    ("renewal", "Renewal"),
]
CLAIM_STEPS = ["claim-report", "assessment", "repair"]
SEGMENTS = [("renter", "Renter"), ("owner", "Home owner"), ("landlord", "Landlord")]

CSAT_LABELS = {1: "Very dissatisfied", 2: "Dissatisfied", 3: "Neither satisfied nor dissatisfied", 4: "Satisfied",
               5: "Very satisfied"}
CES_LABELS = {1: "Strongly disagree", 2: "Disagree", 3: "Somewhat disagree", 4: "Neither agree nor disagree",
              5: "Somewhat agree", 6: "Agree", 7: "Strongly agree"}

# The survey's questions, worded once and reused by every platform that heads its columns
# with the question's text.
Q_NPS = f"How likely are you to recommend {COMPANY} to a friend or colleague?"
Q_WHY = "What is the main reason for your score?"
Q_TOUCH = "Which part of your claim or policy did you last deal with us about?"
Q_CSAT = "How satisfied were you with that part of our service?"
Q_CES = f"How much do you agree or disagree: {COMPANY} made it easy for me to handle my claim."
Q_SEG = "Which of these best describes you?"
Q_CONTACT = "How did you contact us? (Select all that apply)"


# ---------------------------------------------------------------------------- the answers

def london_offset(day):
    """Hours London is ahead of UTC on `day` (07:00-23:00 local only): BST until the last
    Sunday of October 2026 (the 25th), GMT after."""
    return 1 if day < dt.date(2026, 10, 25) else 0


COMMENTS = {
    "detractor": [
        "Three phone calls before anyone could tell me whether the claim was even open.",
        "The assessor came, took photos and we heard nothing for five weeks.",
        "Renewal price went up by £212 with no explanation, and the letter called it \"good news\".",
        "I was passed between the claims line and the repairer; nobody owned it.",
        "Paid the excess twice and waited a month for the refund.",
        "Your app logged me out halfway through the claim form, twice. I gave up and phoned.",
        "The repair left a tide mark on the ceiling and I had to chase for a second visit.",
        "Felt like I was being treated as a suspect, not a customer.",
        "Direct debit taken on the wrong date, which sent my account overdrawn.",
        "Nobody called back when promised — not once.",
    ],
    "passive": [
        "Got there in the end, but slower than I expected.",
        "Fine once I reached the right person; the hold music was not.",
        "The repair itself was good. Booking it took four calls.",
        "Reasonable price, nothing special about the service.",
        "The loss adjuster, Zoë, was helpful, but the paperwork was confusing.",
        "Online claim form was OK; the follow-up letters were full of jargon.",
        "Renewal was easy enough, though I had to ask for the no-claims discount.",
    ],
    "promoter": [
        "Claim sorted in under a week, and the assessor explained every step.",
        "The builders you sent were tidy, on time and friendly.",
        "Renewed online in five minutes, same price as last year.",
        "Someone actually rang me back when they said they would!",
        "After the flood, the team arranged a hotel the same evening. Can't fault them.",
        "Clear, fair and quick — exactly what insurance should be.",
        "The claims handler, Siân, kept me updated by text every few days.",
        "Honest advice on whether it was worth claiming at all.\nThat earned my trust.",
    ],
}


def band(nps):
    return "promoter" if nps >= 9 else "passive" if nps >= 7 else "detractor"


def clamp(value, low, high):
    return max(low, min(high, value))


def make_people():
    """150 customers, 50 per segment, each answering once between 1 July and 31 December."""
    segments = [segment for segment, _ in SEGMENTS for _ in range(50)]
    rng.shuffle(segments)
    numbers = rng.sample(range(10000, 99999), 150 + 12)
    segment_effect = {"renter": -0.6, "owner": 0.5, "landlord": 0.0}
    touch_effect = {"claim-report": -0.3, "assessment": -0.5, "repair": 0.2, "billing": -0.2, "renewal": 0.3}
    people = []
    start = dt.date(2026, 7, 1)
    for index, segment in enumerate(segments):
        day = start + dt.timedelta(days=rng.randrange(184))
        seconds = rng.randrange(7 * 3600, 22 * 3600 + 59 * 60)
        local = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)
        touchpoint = rng.choices([t for t, _ in TOUCHPOINTS], weights=[3, 2, 2, 2, 2])[0]
        mood = rng.gauss(0, 1)
        nps = clamp(round(7.4 + 2.1 * mood + segment_effect[segment] * 1.5 + rng.gauss(0, 0.8)), 0, 10)
        csat = clamp(round(3.7 + 0.9 * mood + touch_effect[touchpoint] + rng.gauss(0, 0.5)), 1, 5)
        if rng.random() < 0.04:
            csat = None  # skipped the question
        ces = None
        if touchpoint in CLAIM_STEPS and rng.random() < 0.8:
            ces = clamp(round(4.9 + 1.3 * mood + rng.gauss(0, 0.7)), 1, 7)
        comment = ""
        if rng.random() < 0.55:
            pool = COMMENTS[band(nps)]
            comment = rng.choice(pool)
            if rng.random() < 0.2:
                other = rng.choice(pool)
                if other != comment:
                    comment = comment + " " + other
        people.append({
            "customer": f"C-{numbers[index]}",
            "segment": segment,
            "touchpoint": touchpoint,
            "local": local,
            "duration": rng.randrange(70, 900),
            "nps": nps, "comment": comment, "csat": csat, "ces": ces,
            "contact": sorted(rng.sample(["Phone", "Website", "App", "My broker"], rng.choice([1, 1, 1, 2]))),
        })
    people.sort(key=lambda p: p["local"])
    # Customers who started a Qualtrics or Typeform survey and left it: never in the long form.
    leavers = [f"C-{n}" for n in numbers[150:]]
    return people, leavers


PEOPLE, LEAVERS = make_people()


def long_rows():
    """cxsite's long form: an NPS row per person (relationship: no touchpoint), a CSAT row
    about their touchpoint, a CES row about the claim journey."""
    rows = []
    for p in PEOPLE:
        day = p["local"].date().isoformat()
        rows.append([day, "nps", p["nps"], p["customer"], p["segment"], "", "", p["comment"]])
        if p["csat"] is not None:
            rows.append([day, "csat", p["csat"], p["customer"], p["segment"], p["touchpoint"], "", ""])
        if p["ces"] is not None:
            rows.append([day, "ces", p["ces"], p["customer"], p["segment"], "", "claim", ""])
    return rows


# ---------------------------------------------------------------------------- writing

def write(path, text, encoding="utf-8"):
    full = os.path.join(HERE, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(text.encode(encoding) if isinstance(text, str) else text)


def table(rows, delimiter=",", newline="\r\n"):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return out.getvalue()


def token(r, length, alphabet=string.ascii_lowercase + string.digits):
    return "".join(r.choice(alphabet) for _ in range(length))


def q(text):
    """A YAML double-quoted scalar."""
    return json.dumps(text, ensure_ascii=False)


def us_time(moment, leading_zero=True):
    hour = moment.hour % 12 or 12
    text = f"{hour:02d}" if leading_zero else str(hour)
    return f"{text}:{moment:%M:%S} {'AM' if moment.hour < 12 else 'PM'}"


def write_site():
    touchpoints = "\n".join(f"  - id: {i}\n    name: {n}" for i, n in TOUCHPOINTS)
    segments = "\n".join(f"  - {{id: {i}, name: {n}}}" for i, n in SEGMENTS)
    write("cxsite.yaml", f"""\
# A home insurer's site for the survey-export tests (made by make.py). The tests append one
# folder's mapping.yaml, the `responses:` block, and copy its export into content/responses/.
title: {COMPANY} — home insurance CX briefing
period: quarter
min_n: 5
touchpoints:
{touchpoints}
journeys:
  - id: claim
    name: Making a claim
    steps: [claim-report, assessment, repair]
  - id: renew
    name: Renewing a policy
    steps: [billing, renewal]
segments:
{segments}
""")


def write_long():
    rows = [["date", "metric", "score", "respondent", "segment", "touchpoint", "journey", "comment"]] + long_rows()
    write("long/responses.csv", table(rows, newline="\n"))


# ------------------------------------------------------------------- Qualtrics

QUALTRICS_META = [
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/London"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/London"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"Europe/London"}'),
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
QUALTRICS_QUESTIONS = [
    ("Q1", Q_NPS, '{"ImportId":"QID1"}'),
    ("Q1_NPS_GROUP", Q_NPS + " - Group", '{"ImportId":"QID1_NPS_GROUP"}'),
    ("Q2", Q_WHY, '{"ImportId":"QID2_TEXT"}'),
    ("Q3", Q_TOUCH, '{"ImportId":"QID3"}'),
    ("Q5", Q_CSAT, '{"ImportId":"QID5"}'),
    ("Q7", Q_CES, '{"ImportId":"QID9"}'),
    ("Q12", Q_SEG, '{"ImportId":"QID12"}'),
]
# The survey's choices as the author typed them (Qualtrics exports these as "choice text").
QUALTRICS_TOUCH_TEXT = {"claim-report": "First notice of loss", "assessment": "Damage assessment",
                        "repair": "Repair", "billing": "Billing", "renewal": "Renewal"}
QUALTRICS_SEG_TEXT = {"renter": "Renter", "owner": "Home Owner", "landlord": "Landlord"}


def qualtrics_rows(choice_text):
    """The three header rows and a row per response, as the Data & Analysis download writes
    them: numeric recodes, or choice text."""
    header = [[c for c, _, _ in QUALTRICS_META + QUALTRICS_QUESTIONS],
              [t for _, t, _ in QUALTRICS_META + QUALTRICS_QUESTIONS],
              [j for _, _, j in QUALTRICS_META + QUALTRICS_QUESTIONS]]
    touch_code = {t: str(i + 1) for i, (t, _) in enumerate(TOUCHPOINTS)}
    seg_code = {s: str(i + 1) for i, (s, _) in enumerate(SEGMENTS)}
    records = []  # (recorded, row)
    qrng = random.Random(2026_1)  # response ids and leavers: the same in all three Qualtrics files

    def response_id():
        return "R_" + "".join(qrng.choice(string.ascii_letters + string.digits) for _ in range(15))

    def group(nps):
        if nps is None:
            return None
        number = 3 if nps >= 9 else 2 if nps >= 7 else 1
        return ["Detractor", "Passive", "Promoter"][number - 1] if choice_text else number

    def meta(start, end, recorded, progress, duration, finished, rid, customer, status=0):
        status_text = {0: "IP Address", 1: "Survey Preview"}[status] if choice_text else status
        finished_text = ("True" if finished else "False") if choice_text else (1 if finished else 0)
        channel = "preview" if status == 1 else "email"
        return [f"{start:%Y-%m-%d %H:%M:%S}", f"{end:%Y-%m-%d %H:%M:%S}", status_text, None, progress, duration,
                finished_text, f"{recorded:%Y-%m-%d %H:%M:%S}", rid, None, None, None, customer, None, None, channel,
                "EN-GB"]

    def answers(nps, comment, touchpoint, csat, ces, segment):
        if choice_text:
            return [None if nps is None else str(nps), group(nps), comment,
                    touchpoint and QUALTRICS_TOUCH_TEXT[touchpoint], csat and CSAT_LABELS[csat],
                    ces and CES_LABELS[ces], segment and QUALTRICS_SEG_TEXT[segment]]
        return [nps, group(nps), comment, touchpoint and touch_code[touchpoint], csat, ces,
                segment and seg_code[segment]]

    for p in PEOPLE:
        end = p["local"]
        start = end - dt.timedelta(seconds=p["duration"])
        row = meta(start, end, end + dt.timedelta(seconds=1), 100, p["duration"], True, response_id(), p["customer"])
        row += answers(p["nps"], p["comment"] or None, p["touchpoint"], p["csat"], p["ces"], p["segment"])
        records.append((end, row))
    # Responses left unfinished: closed by Qualtrics after a week, Finished 0, Progress < 100.
    for customer in LEAVERS[:9]:
        day = dt.date(2026, 7, 1) + dt.timedelta(days=qrng.randrange(176))
        start = dt.datetime.combine(day, dt.time(qrng.randrange(8, 21), qrng.randrange(60), qrng.randrange(60)))
        progress = qrng.choice([14, 29, 43, 57, 71, 86])
        last = start + dt.timedelta(seconds=qrng.randrange(30, 400))
        recorded = last + dt.timedelta(days=7)
        nps = qrng.randrange(0, 11) if progress >= 29 else None
        segment = qrng.choice(SEGMENTS)[0] if progress >= 43 else None
        touchpoint = qrng.choice(TOUCHPOINTS)[0] if progress >= 57 else None
        csat = qrng.randrange(1, 6) if progress >= 71 else None
        row = meta(start, last, recorded, progress, int((last - start).total_seconds()), False, response_id(), customer)
        row += answers(nps, None, touchpoint, csat, None, segment)
        records.append((recorded, row))
    # Two test runs through the survey preview before it went out: Finished, but not customers.
    for day, nps in ((dt.date(2026, 6, 29), 10), (dt.date(2026, 6, 30), 0)):
        start = dt.datetime.combine(day, dt.time(16, 2, 11))
        end = start + dt.timedelta(seconds=95)
        row = meta(start, end, end + dt.timedelta(seconds=1), 100, 95, True, response_id(), None, status=1)
        row += answers(nps, "test - please ignore", "repair", 5, 7, "owner")
        records.append((end, row))
    records.sort(key=lambda record: record[0])
    return header + [row for _, row in records]


QUALTRICS_FILE = f"{COMPANY} home insurance survey_January 5, 2027_08.30"


def write_qualtrics():
    numeric = qualtrics_rows(choice_text=False)
    choice = qualtrics_rows(choice_text=True)
    write(f"qualtrics-numeric/{QUALTRICS_FILE}.csv", "\ufeff" + table(numeric))
    write(f"qualtrics-choice/{QUALTRICS_FILE}.csv", "\ufeff" + table(choice))
    # TSV: UTF-16 little-endian with its byte order mark, as public readers of Qualtrics TSV
    # files decode it (README.md).
    write(f"qualtrics-tsv/{QUALTRICS_FILE}.tsv", "\ufeff" + table(choice, delimiter="\t"), encoding="utf-16-le")

    touch_values = "\n".join(f'        "{i + 1}": {t}' for i, (t, _) in enumerate(TOUCHPOINTS))
    seg_values = "\n".join(f'        "{i + 1}": {s}' for i, (s, _) in enumerate(SEGMENTS))
    write("qualtrics-numeric/mapping.yaml", f"""\
responses:
  - files: "qualtrics-numeric/*.csv"
    format: qualtrics
    date: RecordedDate
    respondent: ExternalReference     # the customer number the e-mail distribution carried
    segment:
      column: Q12
      values:
{seg_values}
    touchpoint:
      column: Q3
      values:
{touch_values}
    where: {{Finished: "1", Status: "0"}}   # finished, and not a survey preview
    questions:
      - {{column: Q1, metric: nps, comment: Q2, level: relationship}}
      - {{column: Q5, metric: csat}}
      - {{column: Q7, metric: ces, journey: claim}}
""")
    for folder, pattern in (("qualtrics-choice", "*.csv"), ("qualtrics-tsv", "*.tsv")):
        write(f"{folder}/mapping.yaml", f"""\
responses:
  - files: "{folder}/{pattern}"
    format: qualtrics
    date: RecordedDate
    respondent: ExternalReference
    segment: Q12                      # Renter, Home Owner, Landlord: the segments' names
    touchpoint: Q3                    # the touchpoints' names, in any case
    where: {{Finished: "True", Status: IP Address}}   # a choice-text export writes True and IP Address
    questions:
      - {{column: Q1, metric: nps, comment: Q2, level: relationship}}
      - {{column: Q5, metric: csat}}  # Very satisfied … Very dissatisfied
      - {{column: Q7, metric: ces, journey: claim}}   # Strongly agree … Strongly disagree
""")


# ---------------------------------------------------------------- SurveyMonkey

SM_SEG_TEXT = {"renter": "I rent my home", "owner": "I own my home", "landlord": "I let property to tenants"}
SM_TOUCH_TEXT = {"claim-report": "Reporting a claim", "assessment": "The damage assessment",
                 "repair": "The repairs", "billing": "A bill or payment", "renewal": "Renewing my policy"}
SM_META = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
           "Last Name", "Custom Data 1"]
SM_CONTACT = ["Phone", "Website", "App", "My broker"]


def write_surveymonkey():
    r = random.Random(2026_2)  # its own, so that one platform's file does not move another's
    header1 = SM_META + [Q_SEG, Q_TOUCH, Q_CONTACT, "", "", "", Q_NPS, Q_WHY, Q_CSAT, Q_CES]
    header2 = [""] * len(SM_META) + ["Response", "Response"] + SM_CONTACT + \
              ["Response", "Open-Ended Response", "Response", "Response"]
    respondent = 114_250_000_000 + r.randrange(10_000_000)
    by_quarter = {"Q3": [], "Q4": []}
    for p in PEOPLE:
        respondent += r.randrange(2_000, 90_000)
        end = p["local"]
        start = end - dt.timedelta(seconds=p["duration"])
        nps = p["nps"]
        nps_text = "0 - Not at all likely" if nps == 0 else "10 - Extremely likely" if nps == 10 else str(nps)
        row = [respondent, 431520987, f"{start:%m/%d/%Y} {us_time(start)}", f"{end:%m/%d/%Y} {us_time(end)}",
               None, None, None, None, p["customer"],
               SM_SEG_TEXT[p["segment"]], SM_TOUCH_TEXT[p["touchpoint"]]]
        row += [option if option in p["contact"] else None for option in SM_CONTACT]
        row += [nps_text, p["comment"] or None, p["csat"] and CSAT_LABELS[p["csat"]], p["ces"] and CES_LABELS[p["ces"]]]
        by_quarter["Q3" if end.month <= 9 else "Q4"].append(row)
    for quarter, rows in by_quarter.items():
        write(f"surveymonkey/{COMPANY} customer survey 2026-{quarter}.csv", table([header1, header2] + rows))
    seg_values = "\n".join(f'        "{SM_SEG_TEXT[s]}": {s}' for s, _ in SEGMENTS)
    touch_values = "\n".join(f'        "{SM_TOUCH_TEXT[t]}": {t}' for t, _ in TOUCHPOINTS)
    write("surveymonkey/mapping.yaml", f"""\
responses:
  - files: "surveymonkey/*.csv"       # one export per quarter, both read
    format: surveymonkey              # columns named by the first header row's question text
    date: End Date                    # 10/14/2026 09:12:33 AM: month first
    respondent: Custom Data 1         # the customer number from the contact list
    segment:
      column: {q(Q_SEG)}
      values:
{seg_values}
    touchpoint:
      column: {q(Q_TOUCH)}
      values:
{touch_values}
    questions:
      - column: {q(Q_NPS)}
        metric: nps                   # 0 - Not at all likely, 1 … 9, 10 - Extremely likely
        comment: {q(Q_WHY)}
        level: relationship
      - {{column: {q(Q_CSAT)}, metric: csat}}
      - {{column: {q(Q_CES)}, metric: ces, journey: claim}}
""")


# ------------------------------------------------------------------- Delighted

def unix(moment):
    """Unix seconds of a London wall-clock time."""
    utc = moment - dt.timedelta(hours=london_offset(moment.date()))
    return int((utc - dt.datetime(1970, 1, 1)).total_seconds())


def write_delighted():
    r = random.Random(2026_3)  # its own, so that one platform's file does not move another's
    header = ["id", "person", "survey_type", "score", "comment", "permalink", "created_at", "updated_at",
              "person_properties.Customer ID", "person_properties.Customer type", "person_properties.Touchpoint",
              "person_properties.Journey", "tags", "notes"]
    person_ids = {p["customer"]: str(r.randrange(100_000_000, 999_999_999)) for p in PEOPLE}
    segment_name = dict(SEGMENTS)
    touch_name = dict(TOUCHPOINTS)
    answers = []
    for p in PEOPLE:
        base = p["local"]
        answers.append((base, "nps", p["nps"], p["comment"], None, None, p))
        if p["csat"] is not None:
            answers.append((base + dt.timedelta(seconds=r.randrange(40, 300)), "csat", p["csat"], "",
                            touch_name[p["touchpoint"]], None, p))
        if p["ces"] is not None:
            answers.append((base + dt.timedelta(seconds=r.randrange(320, 600)), "ces", p["ces"], "", None,
                            "Making a claim", p))
    # A few answers to a smileys survey Delighted also ran: not NPS, CSAT or CES.
    for p in r.sample(PEOPLE, 3):
        answers.append((p["local"] + dt.timedelta(seconds=700), "smileys", r.randrange(1, 6), "", None, None, p))
    answers.sort(key=lambda a: a[0])
    rows = [header]
    response_id = 40_118_220 + r.randrange(1000)
    for moment, survey_type, score, comment, touchpoint, journey, p in answers:
        response_id += r.randrange(3, 400)
        created = unix(moment)
        rows.append([response_id, person_ids[p["customer"]], survey_type, score, comment or None,
                     f"https://delighted.com/r/{token(r, 20, string.ascii_letters + string.digits)}", created,
                     created + r.choice([0, 0, 0, 12, 95]), p["customer"], segment_name[p["segment"]], touchpoint,
                     journey, None, None])
    write("delighted/responses.csv", table(rows, newline="\n"))
    write("delighted/mapping.yaml", """\
responses:
  - files: "delighted/*.csv"
    format: delighted                 # created_at in Unix seconds, read as the UTC day
    date: created_at
    respondent: person_properties.Customer ID
    segment: person_properties.Customer type     # Renter, Home owner, Landlord
    touchpoint: person_properties.Touchpoint     # only the CSAT survey carries one
    journey: person_properties.Journey           # only the CES survey carries one
    where: {survey_type: [nps, csat, ces]}       # not Delighted's other survey types
    questions:
      - {column: score, metric_column: survey_type, comment: comment}
""")


# ---------------------------------------------------------------- Google Forms

def write_googleforms():
    header = ["Timestamp", "Customer number", Q_SEG, Q_TOUCH, Q_NPS, Q_WHY, Q_CSAT, Q_CES]
    segment_name = dict(SEGMENTS)
    touch_name = dict(TOUCHPOINTS)
    rows = [header]
    for p in PEOPLE:
        moment = p["local"]
        stamp = f"{moment.month}/{moment.day}/{moment.year} {moment.hour}:{moment:%M:%S}"
        rows.append([stamp, p["customer"], segment_name[p["segment"]], touch_name[p["touchpoint"]], p["nps"],
                     p["comment"] or None, p["csat"], p["ces"]])
    write(f"googleforms/{COMPANY} customer survey (Responses) - Form responses 1.csv", table(rows, newline="\n"))
    write("googleforms/mapping.yaml", f"""\
responses:
  - files: "googleforms/*.csv"
    format: googleforms               # Timestamp 10/14/2026 9:12:33: month first (a US-locale sheet)
    date: Timestamp
    respondent: Customer number       # a short-answer question, pre-filled in the link
    segment: {q(Q_SEG)}
    touchpoint: {q(Q_TOUCH)}
    questions:
      - column: {q(Q_NPS)}
        metric: nps
        comment: {q(Q_WHY)}
        level: relationship
      - {{column: {q(Q_CSAT)}, metric: csat}}
      - {{column: {q(Q_CES)}, metric: ces, journey: claim}}
""")


# -------------------------------------------------------------------- Typeform

def write_typeform():
    r = random.Random(2026_4)  # its own, so that one platform's file does not move another's
    header = ["#", Q_SEG, Q_TOUCH, Q_NPS, Q_WHY, Q_CSAT, Q_CES, "customer_id", "Response Type",
              "Start Date (UTC)", "Stage Date (UTC)", "Submit Date (UTC)", "Network ID", "Tags"]
    segment_name = dict(SEGMENTS)
    touch_name = dict(TOUCHPOINTS)
    records = []
    for p in PEOPLE:
        submitted = p["local"] - dt.timedelta(hours=london_offset(p["local"].date()))
        started = submitted - dt.timedelta(seconds=p["duration"])
        records.append((submitted, [token(r, 32), segment_name[p["segment"]], touch_name[p["touchpoint"]], p["nps"],
                                    p["comment"] or None, p["csat"], p["ces"], p["customer"], "completed",
                                    f"{started:%Y-%m-%d %H:%M:%S}", None, f"{submitted:%Y-%m-%d %H:%M:%S}",
                                    token(r, 10, "0123456789abcdef"), None]))
    # Partial responses: the form was left after a few questions (Typeform keeps them apart
    # with Response Type "partial" and no Submit Date).
    for customer in LEAVERS[9:]:
        day = dt.date(2026, 7, 1) + dt.timedelta(days=r.randrange(180))
        started = dt.datetime.combine(day, dt.time(r.randrange(8, 21), r.randrange(60), r.randrange(60)))
        staged = started + dt.timedelta(seconds=r.randrange(20, 200))
        records.append((started, [token(r, 32), r.choice(SEGMENTS)[1], r.choice(TOUCHPOINTS)[1],
                                  r.randrange(0, 11), None, None, None, customer, "partial",
                                  f"{started:%Y-%m-%d %H:%M:%S}", f"{staged:%Y-%m-%d %H:%M:%S}", None,
                                  token(r, 10, "0123456789abcdef"), None]))
    records.sort(key=lambda record: record[0])
    write("typeform/responses.csv", table([header] + [row for _, row in records], newline="\n"))
    write("typeform/mapping.yaml", f"""\
responses:
  - files: "typeform/*.csv"
    format: typeform
    date: Submit Date (UTC)           # 2026-10-14 08:12:33, in UTC
    respondent: customer_id           # a hidden field in the survey link
    segment: {q(Q_SEG)}
    touchpoint: {q(Q_TOUCH)}
    where: {{Response Type: completed}}  # partial responses have no Submit Date
    questions:
      - column: {q(Q_NPS)}
        metric: nps
        comment: {q(Q_WHY)}
        level: relationship
      - {{column: {q(Q_CSAT)}, metric: csat}}
      - {{column: {q(Q_CES)}, metric: ces, journey: claim}}
""")


def main():
    write_site()
    write_long()
    write_qualtrics()
    write_surveymonkey()
    write_delighted()
    write_googleforms()
    write_typeform()
    rows = long_rows()
    counts = {m: sum(1 for r in rows if r[1] == m) for m in ("nps", "csat", "ces")}
    print(f"{len(PEOPLE)} customers, {len(rows)} answers {counts} → {HERE}")


if __name__ == "__main__":
    main()
