#!/usr/bin/env python3
"""Generate the raw survey responses of the Northwind Broadband sample site.

Writes content/responses/<quarter>.csv (2025-Q4 … 2026-Q4, the last one partial,
up to 15 November 2026) with the header

    date,metric,score,respondent,segment,touchpoint,journey,comment

and prints the NPS / CSAT / CES that cxsite will compute from them, next to the
figures the quarterly snapshot files used to carry, so the two can be compared.

Standard library only and deterministic: every random choice comes from one
random.Random(2026), so running the script twice writes identical files.

How the scores are tuned
------------------------
Each quarter has a target for overall NPS, CSAT and CES (the old snapshot
values; for 2026-Q4, values continuing the trend). NPS also has targets per
touchpoint and per segment. The old snapshot touchpoint rows were not
consistent with the overall figure (their weighted mean is about 6 points below
it), so the touchpoint targets are the old values shifted by the same amount
for every touchpoint in a quarter, which keeps their order, their gaps and the
quarter-to-quarter movements (the installation dip in 2026-Q2) and makes the
overall NPS come out right. The shift is printed.

Within a quarter, responses fall into cells (touchpoint x segment). A small
additive model (touchpoint effect + segment effect, fitted to both sets of
targets) gives each cell an NPS; CSAT and CES per cell follow the cell's NPS.
Each cell's scores are then allotted by quota (detractors / passives /
promoters for NPS, 1-3 / 4-5 for CSAT, each score for CES), with the rounding
remainders carried across the cells of a touchpoint, so the quarterly figures
land on their targets instead of wandering by a sampling error of ±2–5 points;
swapping scores between segments within a touchpoint then puts the segment
NPS on target too. Dates, segments, the exact score within a band,
respondents and comments are random; half the CSAT and CES answers are linked to
NPS respondents so that the sample shows key drivers (LINK_NOISE).

The three levels
----------------
The answers above are transactional: each names the touchpoint it is about. After
every quarter's transactional answers are made (so that they stay as they were),
each quarter gets relationship answers (NPS of the relation as a whole: neither
journey nor touchpoint) and journey answers (NPS of one journey: its id in the
journey column), with targets per quarter in LEVEL_NPS.
"""

import csv
import datetime as dt
import math
import os
import re
import sys

import random

HERE = os.path.dirname(os.path.abspath(__file__))
SITE = os.path.dirname(HERE)
OUT_DIR = os.path.join(SITE, "content", "responses")

rng = random.Random(2026)

HEADER = ["date", "metric", "score", "respondent", "segment", "touchpoint", "journey", "comment"]
TOUCHPOINTS = ["website", "sales", "onboarding", "installation", "billing", "support", "renewal"]
SEGMENTS = ["residential", "small-business", "enterprise"]
SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
FIRST_DAY, LAST_DAY = dt.date(2025, 10, 1), dt.date(2026, 11, 15)

# --------------------------------------------------------------------------
# Targets. Overall, touchpoint and segment values for 2025-Q4 … 2026-Q3 are the
# figures of the old snapshot files (content/metrics/<quarter>.csv); 2026-Q4
# continues the trend (installation still recovering, renewal hurt by the
# stepped-price retention offers introduced in August).
# --------------------------------------------------------------------------
QUARTERS = [
    # period, first day, last day, responses (nps, csat, ces)
    ("2025-Q4", dt.date(2025, 10, 1), dt.date(2025, 12, 31), (1180, 940, 610)),
    ("2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31), (1320, 1010, 680)),
    ("2026-Q2", dt.date(2026, 4, 1), dt.date(2026, 6, 30), (1410, 1090, 720)),
    ("2026-Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30), (1490, 1150, 760)),
    # 46 of 92 days: half of a ~1,560 / 1,195 / 795 quarter
    ("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 11, 15), (781, 596, 397)),
]

OVERALL = {  # nps, csat (% of 4-5), ces (mean)
    "2025-Q4": (18, 71, 4.6),
    "2026-Q1": (24, 75, 4.9),
    "2026-Q2": (20, 73, 4.8),
    "2026-Q3": (31, 80, 5.3),
    "2026-Q4": (32, 81, 5.4),
}

TOUCHPOINT_NPS = {  # old snapshot rows, in TOUCHPOINTS order
    "2025-Q4": (22, 35, 20, 4, -6, 12, 15),
    "2026-Q1": (26, 38, 22, 10, 2, 18, 24),
    "2026-Q2": (25, 36, 21, -9, 6, 19, 22),
    "2026-Q3": (33, 41, 30, 14, 11, 27, 18),
    "2026-Q4": (35, 40, 31, 18, 13, 30, 12),
}

SEGMENT_NPS = {  # old snapshot rows, in SEGMENTS order
    "2025-Q4": (16, 22, 34),
    "2026-Q1": (22, 27, 38),
    "2026-Q2": (18, 24, 36),
    "2026-Q3": (31, 29, 41),
    "2026-Q4": (31, 30, 42),
}

# Share of responses per touchpoint (support and installation most common).
TOUCHPOINT_WEIGHT = {
    "website": 0.15, "sales": 0.09, "onboarding": 0.12, "installation": 0.20,
    "billing": 0.17, "support": 0.22, "renewal": 0.05,
}

# Segment mix per touchpoint (about 75 / 20 / 5 overall): business customers
# show up more in sales and renewal conversations, less on the website.
SEGMENT_MIX = {
    "website": (0.85, 0.13, 0.02),
    "sales": (0.60, 0.28, 0.12),
    "onboarding": (0.72, 0.21, 0.07),
    "installation": (0.75, 0.20, 0.05),
    "billing": (0.78, 0.18, 0.04),
    "support": (0.74, 0.21, 0.05),
    "renewal": (0.65, 0.25, 0.10),
}

# Shapes of the score distributions.
PASSIVE_SHARE = 0.31                                            # NPS 7-8
DETRACTOR_SHAPE = (0.12, 0.06, 0.08, 0.10, 0.13, 0.21, 0.30)   # NPS 0..6
PASSIVE_SHAPE = (0.45, 0.55)                                    # NPS 7, 8
PROMOTER_SHAPE = (0.47, 0.53)                                   # NPS 9, 10
CSAT_LOW_SHAPE = (0.27, 0.25, 0.48)                             # CSAT 1, 2, 3
CSAT_HIGH_SHAPE = (0.52, 0.48)                                  # CSAT 4, 5
CES_BASE = (1.0, 0.75, 0.9, 1.25, 1.6, 1.9, 1.6)               # CES 1..7, before tilting
CSAT_PER_NPS = 0.35   # a cell 10 NPS points above the quarter: +3.5 CSAT points
CES_PER_NPS = 0.02    # … and +0.2 on the CES mean

# Responses bunch around incidents: (period, touchpoint, bands, first, last,
# share of those responses dated inside the window).
DATE_SKEW = [
    ("2025-Q4", "billing", {"angry", "neg"}, dt.date(2025, 11, 10), dt.date(2025, 12, 19), 0.45),  # price-rise letter
    ("2025-Q4", "renewal", {"angry", "neg"}, dt.date(2025, 11, 10), dt.date(2025, 12, 19), 0.45),
    ("2026-Q1", "billing", {"angry", "neg"}, dt.date(2026, 1, 28), dt.date(2026, 2, 20), 0.45),   # double Direct Debit
    ("2026-Q1", "support", {"angry"}, dt.date(2026, 1, 29), dt.date(2026, 2, 13), 0.35),
    ("2026-Q2", "installation", {"angry", "neg"}, dt.date(2026, 4, 1), dt.date(2026, 5, 31), 0.55),  # subcontractor, new-build estate
    ("2026-Q3", "renewal", {"angry", "neg"}, dt.date(2026, 8, 15), dt.date(2026, 9, 30), 0.45),   # stepped-price offers
    ("2026-Q4", "support", {"pos"}, dt.date(2026, 11, 3), dt.date(2026, 11, 11), 0.30),           # storm texts
]

# The relationship and journey levels: responses per quarter (a share of the quarter's NPS
# answers) and NPS targets. The relation as a whole reads
# a little above the transactions; joining goes well, moving home and fault repairs less so
# (fault repair dips with the installation problems of 2026-Q2), and customers on their way
# out score lowest.
JOURNEYS = {
    "joining": ["website", "sales", "onboarding", "installation", "billing"],
    "moving-home": ["website", "onboarding", "installation", "billing"],
    "fault-repair": ["support", "installation", "billing"],
    "leaving": ["website", "support", "renewal", "billing"],
}
LEVEL_SHARE = {"relationship": 0.35, "joining": 0.14, "moving-home": 0.10, "fault-repair": 0.12, "leaving": 0.08}
LEVEL_NPS = {  # relationship, joining, moving-home, fault-repair, leaving
    "2025-Q4": (21, 32, 16, 8, -22),
    "2026-Q1": (27, 38, 22, 16, -18),
    "2026-Q2": (23, 36, 14, 2, -20),
    "2026-Q3": (34, 46, 30, 24, -10),
    "2026-Q4": (35, 47, 31, 27, -8),
}
SEGMENT_SHARE = [0.75, 0.2, 0.05]

# Key drivers: half the CSAT and CES answers at each touchpoint come from people who also
# gave an NPS score in the quarter, paired by rank after noise is added to both (less noise:
# the touchpoint's score moves more with NPS). Installation and billing drive the score;
# the website hardly does.
LINK_SHARE = 0.5
LINK_NOISE = {"installation": 0.12, "billing": 0.18, "support": 0.22, "renewal": 0.3,
              "onboarding": 0.35, "sales": 0.55, "website": 1.2}

# Chance that a response answers the open question, by band (about half): unhappy customers
# write most. Comments draw from a random generator of their own, so that how many there are
# changes nothing else in the files.
COMMENT_RATE = {"angry": 0.8, "neg": 0.65, "neutral": 0.3, "pos": 0.45}
comment_rng = random.Random("comments 2026")
# Of the promoters who comment, the share whose comment is an angry one.
VENTING_PROMOTERS = 0.04


def band(metric, score):
    """angry / neg / neutral / pos: which comment pool fits the score."""
    if metric == "nps":
        return "angry" if score <= 4 else "neg" if score <= 6 else "neutral" if score <= 8 else "pos"
    if metric == "csat":
        return ("angry", "neg", "neutral", "pos", "pos")[score - 1]
    return ("angry", "angry", "neg", "neutral", "pos", "pos", "pos")[score - 1]


# --------------------------------------------------------------------------
# Verbatim comments. "[a|b]" picks one alternative, "{agent}" and "{engineer}"
# pick a first name. "@biz " marks comments only a business customer would
# write, "@res " residential only. Story comments add a date window.
# --------------------------------------------------------------------------
AGENTS = ["Kerry", "Becca", "Leanne", "Nadia", "Sian", "Dev", "Marek", "Joanne", "Callum", "Farah", "Owen", "Lucy"]
ENGINEERS = ["Liam", "Dave", "Tariq", "Gavin", "Steph", "Marcin", "Rob", "Ade"]

COMMENTS = {
    "website": {
        "angry": [
            "Tried to [update my card details|change my payment date|download last month's bill] on the website and it logged me out [three|four] times. In the end I had to phone, which is exactly what I was trying to avoid.",
            "Website times out on the payment page. Lost my order twice, on my phone and on the laptop. Embarrassing for a broadband company.",
            "The chatbot just loops me back to the FAQ. Asked one simple question and got \"Sorry, I didn't understand that\" [five|six] times.",
            "Your checker said my street could get 900. Engineer came and said 150 was the most I'd ever get. Why advertise what you can't deliver?",
        ],
        "neg": [
            "Site is fine for the basics, but finding my actual contract end date took far too long.",
            "Prices on the website didn't match what I was quoted on the phone. Not a huge difference, but it doesn't inspire confidence.",
            "The speed checker says up to 500, I get about [180|210|240]. Would be nice if the site was more honest.",
            "Too many pop-ups trying to sell me TV when all I want is to check my bill.",
        ],
        "neutral": [
            "Does the job. Could be easier to find a phone number.",
            "Ordering online was OK, a bit slow, [lots of|too many] pages to click through.",
            "Fine. Nothing special, nothing wrong.",
            "The app is better than the website, to be honest.",
        ],
        "pos": [
            "Ordered in about ten minutes, clear prices, no hard sell. Exactly how it should be.",
            "The speed test in the app, room by room, showed me the problem was my Wi-Fi, not the line. Really handy.",
            "Easy to see my bills and what I'm paying for, and the contract end date is right there on the front page.",
            "Changed my payment date [online|in the app] without ringing anyone. [Brilliant.|Perfect.|Great.]",
        ],
    },
    "sales": {
        "angry": [
            "Was promised a free router upgrade on the call. It's nowhere in the contract and nobody will honour it.",
            "Pushy. I said no [three|four] times and he still kept going on about TV packages.",
            "Quoted £[32|35|38] a month on the phone, first bill was £[44|46|49]. Either the salesperson lied or didn't know.",
            "Salesman said installation was free. Then a £[49|60] \"connection charge\" appeared on my first bill.",
        ],
        "neg": [
            "The person on the phone was nice enough but couldn't tell me the price after the annual rise.",
            "Sales call took nearly an hour. Far too much reading out of terms and conditions.",
            "Was told an engineer would come within a week. It was nearly three.",
        ],
        "neutral": [
            "OK, got what I asked for. Felt a bit scripted.",
            "Price was competitive and the call was fine. We'll see how the service is.",
            "Reasonably helpful, but I had to ask twice about the set-up fee.",
            "No complaints about the call itself. Just wish the offers were clearer on the website first.",
            "@biz Fine, but I had to explain what a static IP is to the salesperson.",
        ],
        "pos": [
            "@res {agent} asked what we actually use the internet for and talked us out of the expensive package. Honest, which is rare.",
            "Clear about the total cost over the whole contract, in writing, before I agreed to anything.",
            "{agent} explained the difference between the speeds without any jargon and didn't push.",
            "@biz You brought an engineer to the first sales meeting, so the quote was actually right. A first with any supplier.",
            "Quick, friendly, and the price I was quoted is the price I pay.",
        ],
    },
    "onboarding": {
        "angry": [
            "The welcome email had one install date, the text had another, and the engineer came on a third.",
            "Still no account number [two|three] weeks after signing up, so I can't even log in to see my bill.",
            "Nobody told me the old line would be cut off two days before the new one was live. Two days with nothing, working from home.",
        ],
        "neg": [
            "Too many emails and texts in the first week, and none of them answered my actual question about the router.",
            "Router arrived fine but the instructions were confusing. Ended up watching a video on YouTube.",
            "@res Nobody told me I'd need to be in for the whole 8 till 1 slot.",
        ],
        "neutral": [
            "Welcome call was fine. Bit long.",
            "Got all the info eventually. Could be more joined up.",
            "Setting up was about what I expected.",
        ],
        "pos": [
            "Welcome pack was clear, the router came two days early and the text reminders were spot on.",
            "You actually remembered I'd asked for texts, not calls. Small thing, huge difference.",
            "Every message told me exactly what would happen next and when. No chasing needed.",
            "Rescheduled by text in two minutes when my plans changed. Brilliant.",
            "@biz A named project lead from day one and one plan, with dates, for every site. Made my life easy.",
        ],
    },
    "installation": {
        "angry": [
            "@res Took a day off work and the engineer never turned up. No call, no text, nothing.",
            "Engineer turned up [four|five] hours late, drilled through the wrong wall and left plaster dust everywhere.",
            "@res Install cancelled by text the evening before. [Second|Third] time. I've given up taking days off for you.",
            "The engineer said it was \"a job for the other team\" and left. That was [two|three] weeks ago.",
            "@biz Nobody turned up, and we had cleared the office for the morning. Not even a phone call.",
        ],
        "neg": [
            "Engineer was polite but left the router on the floor by the front door because \"that's where the cable comes in\".",
            "It's installed, but it took two visits because the first engineer didn't have the right kit.",
            "Arrived at the very end of the slot without a call ahead. The job itself was OK.",
            "The broadband works fine, I'll give you that. But the mess left outside was not acceptable.",
            "@biz The install itself was fine, but nobody warned us the line would be down for half a day during the switch.",
        ],
        "neutral": [
            "Engineer was fine. Took about three hours, longer than I was told.",
            "All working now. Slot was 8 till 1 and he came at [12:30|12:40|12:50], so a whole morning gone.",
            "Install OK. The cable on the outside wall is a bit ugly, but it does the job.",
            "No problems, no wow either.",
        ],
        "pos": [
            "{engineer} texted ten minutes before arriving, explained everything and tidied up after himself. Spot on.",
            "@res The engineer put the router in the middle of the house instead of by the door, and the Wi-Fi is miles better than with our old provider.",
            "In and out in [an hour and a half|just over an hour|90 minutes], everything tested and working.",
            "{engineer} was brilliant: showed me where to put the router and why, and wrote the Wi-Fi details down for me.",
            "@biz The engineer worked around our opening hours so we didn't lose a morning's trade.",
        ],
    },
    "billing": {
        "angry": [
            "Bill went up £[7|9|11] with no warning I could see. Found out from my bank statement.",
            "Charged a £60 \"no fault found\" fee for an engineer visit when the fault was yours.",
            "I've been charged for a router I returned in [March|June|August]. I have the proof of postage and still no refund.",
            "@biz [Three|Four] months running the invoice hasn't matched the contract. My accountant has given up.",
        ],
        "neg": [
            "The bill is hard to read. Three separate line items for what I thought was one package.",
            "Out of contract and paying more than new customers for a slower service. Loyalty penalty, and I noticed.",
            "The refund came through in the end, but I had to chase it twice.",
        ],
        "neutral": [
            "Bills are accurate, just not cheap.",
            "Fine. Would prefer a paper bill without being charged for it.",
            "Billing is OK. Took a while to understand the first bill with the part-month on it.",
        ],
        "pos": [
            "Clear bill, same amount every month, Direct Debit on the date I chose.",
            "Switched my payment date in the app in seconds.",
            "A credit for a [two-day|one-day] outage appeared on my bill without me having to ask. Didn't expect that.",
            "Spotted I was on an old tariff and moved me to a cheaper one. Nobody else has ever done that for me.",
            "@biz The invoice matches the quote every month, with the VAT shown properly. Makes my bookkeeping easy.",
        ],
    },
    "support": {
        "angry": [
            "[Four calls, four|Five calls, five] different agents, and every one of them started again from \"have you restarted the router\".",
            "Told an engineer would call back \"within 24 hours\". That was [six|eight|ten] days ago.",
            "[45|50|55] minutes on hold, then cut off. Rang back and started the queue again.",
            "Nobody reads the notes on my account. I have explained the same fault to [four|five|six] people.",
            "@biz We lose money every hour we're offline, and the business line queue was [40|50] minutes. That is not a business service.",
        ],
        "neg": [
            "Got there in the end, but it took [two|three] calls and I had to explain everything again each time.",
            "The agent was polite but clearly couldn't see what the last person had done.",
            "Chat was slow, long gaps between replies.",
            "Waits are too long in the evenings. Nearly half an hour before I got through.",
        ],
        "neutral": [
            "Sorted the problem, took a while.",
            "The agent was helpful enough. Still not sure what caused the fault.",
            "Average. Did what I asked, no more.",
            "OK once I got through. Getting through is the problem.",
        ],
        "pos": [
            "{agent} on chat worked out my router was in a bad spot and fixed the Wi-Fi in twenty minutes. No engineer needed.",
            "{agent} stayed on the line while I tested everything, then logged the compensation without me asking.",
            "The first person I spoke to fixed it. No transfers, no \"someone will call you back\".",
            "Ran a line test while I was still on the phone and told me exactly what was wrong. Fixed the same day.",
            "@biz Rang at quarter past eight expecting to cancel a day of appointments. Back up by ten, and {agent} rang me to check. That's why we stay.",
        ],
    },
    "renewal": {
        "angry": [
            "@res Ten years a customer and I was paying £[50|52|55] a month while new customers paid £35. Disgraceful.",
            "Had to threaten to leave before anyone offered a fair price. Why should I have to do that?",
            "The renewal offer was only available if I signed for 24 months. I asked for 12 and was told \"the system won't let me\".",
        ],
        "neg": [
            "Renewal price is up again. Only offered a discount after I said I was going to a competitor.",
            "The renewal offer was OK, but the call was all about TV bundles I don't want.",
            "Had to ring to find out my renewal price. It should be on the letter.",
            "@biz The renewal quote came two days before the contract ended. No time to compare, which I suspect was the point.",
        ],
        "neutral": [
            "Renewed. Price is about the same as elsewhere, couldn't be bothered to switch.",
            "Got a reasonable deal in the end. Took a bit of haggling.",
            "Fine. The renewal email came in good time.",
        ],
        "pos": [
            "No games, no \"let me check with my manager\", just a fair price, done in five minutes.",
            "Moved me to a faster plan for less than I was paying, and backdated the credit. Didn't expect that.",
            "{agent} looked at what I'd been paying, said it wasn't fair and fixed it before I'd even asked for a discount.",
        ],
    },
}

GENERIC = {
    "angry": [
        "Every contact with Northwind is a battle. I'm off as soon as my contract ends.",
        "I'd tell anyone who asks to go elsewhere. Nobody takes responsibility for anything.",
    ],
    "neg": [
        "Service is fine when it works. When it doesn't, good luck getting hold of anyone.",
        "Speed is OK, the customer service lets it down.",
    ],
    "neutral": [
        "It's broadband. It works most of the time.",
        "Nothing to complain about, nothing to rave about.",
    ],
    "pos": [
        "Reliable, fair price, and when something goes wrong you actually fix it.",
        "Haven't had to think about my broadband since it went in. That's all I want.",
    ],
}

# Comments tied to the stories: (touchpoints, bands, first day, last day, segments, text).
RES, BIZ = ("residential",), ("small-business", "enterprise")
STORY_COMMENTS = [
    # technician no-show after a booking the field system never saw (Oct 2025)
    (("website", "installation"), ("angry",), "2025-10-01", "2025-12-15", None,
     "Booked an install slot online, got a confirmation email, and nobody came. Apparently the slot was never really booked."),
    (("billing",), ("angry",), "2025-10-01", "2025-12-31", None,
     "You billed me £35 for broadband I didn't have yet, and it took three calls to prove it. Billing from the order date is a scam."),
    # price-rise letter (Nov 2025 – spring 2026)
    (("billing", "support", "renewal"), ("angry",), "2025-11-10", "2026-03-31", None,
     "Three people gave me three different prices for April. If your own staff can't explain your letter, why would I sign for another two years?"),
    (("billing",), ("neg",), "2025-11-10", "2026-03-31", None,
     "The price-rise letter said \"CPI plus 3.9%\". What does that mean in actual pounds? Nobody could tell me."),
    (("renewal",), ("neg",), "2025-11-10", "2026-03-31", None,
     "Couldn't tell me whether the renewal price already included the April rise."),
    (("renewal",), ("pos",), "2026-04-01", "2026-11-15", None,
     "The renewal letter showed exactly what I'll pay next year in pounds and pence. Finally."),
    # Direct Debit taken twice (28 Jan 2026)
    (("billing",), ("angry",), "2026-01-28", "2026-03-15", RES,
     "You took the Direct Debit twice, two days before my rent was due, and then your app said I was in arrears. I had to borrow money to pay the rent."),
    (("billing", "support"), ("angry", "neg"), "2026-01-28", "2026-03-15", ("residential", "small-business"),
     "Double charged in January, went overdrawn, and was told the refund would take \"5 to 7 working days\". It was your mistake, not mine."),
    (("support",), ("angry",), "2026-01-29", "2026-02-28", None,
     "[40|45] minutes on hold to be told \"it's a bank issue\". It wasn't, it was yours."),
    (("website",), ("angry", "neg"), "2026-01-28", "2026-02-28", None,
     "The online account showed me in arrears with a big red banner when it was your mistake. Frightening."),
    (("billing",), ("pos",), "2026-02-01", "2026-04-30", None,
     "Refunded the same day once I explained, and they covered the bank's charge too. That's how to handle a mistake."),
    # router delivered to the wrong unit (Jan 2026)
    (("onboarding", "installation"), ("angry", "neg"), "2026-01-19", "2026-03-31", ("small-business",),
     "The courier left our router with the business upstairs and nobody could tell me where it was for two days. The engineer stood in my kitchen with nothing to plug in."),
    # loyalty penalty fixed on renewal (Feb 2026 onwards)
    (("renewal",), ("pos",), "2026-02-01", "2026-11-15", RES,
     "I rang to leave after [ten|twelve] years. {agent} moved me to a faster plan at the new-customer price and backdated it without me even asking."),
    # three missed install windows on a new-build estate (Mar – Jun 2026)
    (("website",), ("angry",), "2026-03-15", "2026-07-31", RES,
     "Your website said \"available now\". It wasn't, and it took [three|four] missed installs to admit it."),
    (("sales",), ("angry",), "2026-03-15", "2026-07-31", RES,
     "Your salesman said ten working days. [Nine|Ten|Eleven] weeks later I'm still tethering to my phone, and you've sent me a bill."),
    (("installation",), ("angry",), "2026-03-27", "2026-07-31", RES,
     "[Three|Two] missed install windows. Each time I took a day off and each time the engineer \"couldn't find the fibre\" at the estate."),
    (("billing",), ("angry",), "2026-04-01", "2026-07-31", RES,
     "Billed £70 for two months of broadband that was never connected. Still waiting for an engineer who can actually do the job."),
    # subcontractor left a cable across the driveway (Apr 2026)
    (("installation",), ("angry", "neg"), "2026-04-10", "2026-06-30", RES,
     "The subcontractor taped a cable across my drive \"temporarily\" and closed the job. [Nine days|A week and a half] later it's still there, and my husband uses a walking frame."),
    (("support",), ("angry",), "2026-04-10", "2026-06-30", None,
     "Reported a cable across my driveway as a trip hazard and was told it's a \"10 working day\" ticket. Nobody came."),
    # leased-line migration (May 2026)
    (("installation", "onboarding"), ("pos",), "2026-05-10", "2026-06-30", ("enterprise",),
     "The cutover took eleven minutes per site, and your engineer stayed until our first trucks had checked in. We've never had a migration go like that."),
    # chat agent found the Wi-Fi dead spot (Jun 2026)
    (("support",), ("pos",), "2026-06-15", "2026-11-15", RES,
     "Expected a week's wait for an engineer. Instead {agent} on chat worked out my router was behind the fish tank, and it was sorted in twenty minutes."),
    # home-move journey launched in June 2026
    (("website", "onboarding"), ("pos",), "2026-06-15", "2026-11-15", RES,
     "Did my home move online in ten minutes and the broadband was working at the new house on moving day. The one thing about the move that just worked."),
    # business line down, 4G backup never switched on (30 Jun 2026)
    (("support",), ("angry",), "2026-07-01", "2026-09-30", BIZ,
     "Line down on the last working day of the month. Third call before anyone noticed our 4G backup SIM had never been activated."),
    (("sales",), ("angry",), "2026-07-01", "2026-11-15", BIZ,
     "Sold the 4G backup as \"automatic, you won't notice\". It was never even switched on. We paid £10 a month for [14 months|over a year] for nothing."),
    (("installation",), ("angry", "neg"), "2026-07-01", "2026-11-15", BIZ,
     "The installer never activated the backup SIM, and nobody checked. We found out when the fibre went down."),
    (("renewal",), ("angry",), "2026-07-15", "2026-09-30", BIZ,
     "A renewal notice with a price rise, two weeks after you left us offline on payroll day. Read the room."),
    # school trust upgrade over the summer (Aug 2026)
    (("billing",), ("pos",), "2026-08-15", "2026-10-31", ("enterprise",),
     "One consolidated invoice with a line per school, and it matched the quote to the penny. Rare in school IT."),
    (("installation",), ("pos",), "2026-08-01", "2026-10-15", ("enterprise",),
     "We gave you a six-week window over the summer and you used five. Every site live before term started."),
    # stepped-price retention offers (Aug 2026 onwards)
    (("renewal", "sales"), ("angry",), "2026-08-15", "2026-11-15", RES,
     "She said £30 a month. Nobody mentioned it was £30 for six months and £42 after that, on a two-year contract. I only found out from the email."),
    (("renewal",), ("neg",), "2026-08-15", "2026-11-15", None,
     "The offer sounded good on the phone. The confirmation email told a different story. Read the small print, everyone."),
    # cancellation request bounced between teams (Aug – Sep 2026)
    (("website",), ("angry",), "2026-08-20", "2026-11-15", None,
     "The \"Leave Northwind\" form says \"we've received your request\". Then nothing happens. It's a callback request, not a cancellation."),
    (("support", "renewal"), ("angry",), "2026-08-20", "2026-11-15", RES,
     "I gave thirty days' notice in writing, through your own website. Still charged for October, and then a retention agent rang to ask why I was leaving. Because of this."),
    (("support",), ("angry", "neg"), "2026-08-20", "2026-11-15", None,
     "Support said only retention could cancel. Retention didn't call back for [a week|ten days]. Leaving should not be this hard."),
    # four engineer visits for a fault in the cabinet (Sep – Nov 2026)
    (("support", "installation"), ("angry",), "2026-10-01", "2026-11-15", ("small-business",),
     "Every engineer changed my router and left. Four routers later you found the fault in the street cabinet."),
    # storm outage, proactive texts (3 Nov 2026)
    (("support",), ("pos",), "2026-11-03", "2026-11-15", RES,
     "We were off for a day and a half after the storm, but you texted before we noticed and told us when it would be back. I can't fault that."),
    (("billing",), ("pos",), "2026-11-03", "2026-11-15", RES,
     "The storm credit just appeared on the bill. No form, no phone call. Thank you."),
]

STORY_WEIGHT = 4  # a story comment in its window is this many times likelier than a general one


def day(text):
    return dt.date.fromisoformat(text)


def expand(template):
    """Fill [a|b] alternatives and {agent} / {engineer} names."""
    text = re.sub(r"\[([^\]]+)\]", lambda m: comment_rng.choice(m.group(1).split("|")), template)
    return text.replace("{agent}", comment_rng.choice(AGENTS)).replace("{engineer}", comment_rng.choice(ENGINEERS))


def allowed(template, segment):
    if template.startswith("@biz "):
        return segment != "residential", template[5:]
    if template.startswith("@res "):
        return segment == "residential", template[5:]
    return True, template


def pick_comment(touchpoint, level, segment, date):
    choices, weights = [], []
    own = COMMENTS[touchpoint][level] if touchpoint else []  # none for the relation as a whole
    for pool, weight in ((own, 3), (GENERIC[level], 1)):
        for template in pool:
            ok, text = allowed(template, segment)
            if ok:
                choices.append(text)
                weights.append(weight)
    for touchpoints, levels, first, last, segments, text in STORY_COMMENTS:
        if (touchpoint in touchpoints and level in levels and day(first) <= date <= day(last)
                and (segments is None or segment in segments)):
            choices.append(text)
            weights.append(3 * STORY_WEIGHT)
    return expand(comment_rng.choices(choices, weights)[0])


# --------------------------------------------------------------------------
# Score distributions
# --------------------------------------------------------------------------
NPS_BANDS = [(range(0, 7), DETRACTOR_SHAPE), ((7, 8), PASSIVE_SHAPE), ((9, 10), PROMOTER_SHAPE)]
CSAT_BANDS = [((1, 2, 3), CSAT_LOW_SHAPE), ((4, 5), CSAT_HIGH_SHAPE)]


def nps_bands(nps):
    """Shares of detractors, passives and promoters giving this NPS (in points)."""
    net = nps / 100
    promoters = min(max((1 - PASSIVE_SHARE + net) / 2, 0.02), 0.95)
    detractors = min(max((1 - PASSIVE_SHARE - net) / 2, 0.02), 0.95)
    return [detractors, 1 - promoters - detractors, promoters]


def csat_bands(csat):
    """Shares of 1-3 and 4-5 giving this CSAT (in %)."""
    top = min(max(csat / 100, 0.05), 0.98)
    return [1 - top, top]


def ces_distribution(mean):
    """P(score) for 1..7 with the given mean: CES_BASE tilted exponentially."""
    def tilted(theta):
        w = [b * math.exp(theta * k) for k, b in enumerate(CES_BASE, start=1)]
        total = sum(w)
        return [x / total for x in w]

    def mean_of(p):
        return sum(k * x for k, x in enumerate(p, start=1))

    lo, hi = -4.0, 4.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if mean_of(tilted(mid)) < mean:
            lo = mid
        else:
            hi = mid
    return tilted((lo + hi) / 2)


def quota(n, probs, carry):
    """Whole counts for n draws from probs, carrying rounding remainders.

    `carry` is kept between calls (one per touchpoint), so totals over several
    small cells stay on the expected values."""
    want = [n * p + c for p, c in zip(probs, carry)]
    counts = [max(0, math.floor(x)) for x in want]
    spare = n - sum(counts)
    order = sorted(range(len(want)), key=lambda k: want[k] - counts[k], reverse=True)
    i = 0
    while spare > 0:
        counts[order[i % len(order)]] += 1
        spare -= 1
        i += 1
    i = len(order) - 1
    while spare < 0:
        k = order[i % len(order)]
        if counts[k] > 0:
            counts[k] -= 1
            spare += 1
        i -= 1
    for k in range(len(carry)):
        carry[k] = want[k] - counts[k]
    return counts


def allocate(n, weights):
    """Split n over the keys of weights by largest remainder."""
    total = sum(weights.values())
    want = {k: n * w / total for k, w in weights.items()}
    counts = {k: math.floor(x) for k, x in want.items()}
    for k in sorted(want, key=lambda k: want[k] - counts[k], reverse=True)[: n - sum(counts.values())]:
        counts[k] += 1
    return counts


def fit_cells(cell_n, tp_target, seg_target):
    """Additive NPS per (touchpoint, segment) cell matching both sets of margins.

    Ends on the touchpoint step, so touchpoint margins (and with them the
    overall NPS) are exact; segment margins come out close."""
    a = dict(tp_target)
    b = {s: 0.0 for s in SEGMENTS}
    for _ in range(50):
        for s in SEGMENTS:
            ns = sum(cell_n[t, s] for t in TOUCHPOINTS)
            if ns:
                b[s] = seg_target[s] - sum(cell_n[t, s] * a[t] for t in TOUCHPOINTS) / ns
        for t in TOUCHPOINTS:
            nt = sum(cell_n[t, s] for s in SEGMENTS)
            if nt:
                a[t] = tp_target[t] - sum(cell_n[t, s] * b[s] for s in SEGMENTS) / nt
    return {(t, s): a[t] + b[s] for t in TOUCHPOINTS for s in SEGMENTS}


def rebalance(cell_scores, want):
    """Bring each segment's promoters minus detractors to `want` by swapping
    scores between two segments' cells of the same touchpoint, which leaves
    every touchpoint's scores (and so the touchpoint and overall NPS) as they are."""
    sign = lambda x: 1 if x >= 9 else -1 if x <= 6 else 0
    for _ in range(1000):
        have = {s: sum(sign(x) for t in TOUCHPOINTS for x in cell_scores[t, s]) for s in SEGMENTS}
        diff = {s: have[s] - want[s] for s in SEGMENTS}
        hi, lo = max(SEGMENTS, key=diff.get), min(SEGMENTS, key=diff.get)
        if diff[hi] - diff[lo] <= 1:
            return
        touchpoints = TOUCHPOINTS[:]
        rng.shuffle(touchpoints)
        for t in touchpoints:
            a, b = cell_scores[t, hi], cell_scores[t, lo]
            pairs = [(i, j) for i in range(len(a)) for j in range(len(b)) if sign(a[i]) - sign(b[j]) == 1]
            if pairs:
                i, j = rng.choice(pairs)
                a[i], b[j] = b[j], a[i]
                break
        else:
            return


# --------------------------------------------------------------------------
# Dates and respondents
# --------------------------------------------------------------------------
def day_weight(d):
    if (d.month, d.day) in ((12, 25), (12, 26), (1, 1)):
        return 0.2
    return (1.0, 1.0, 1.0, 1.0, 0.95, 0.55, 0.4)[d.weekday()]


def days_between(first, last):
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def pick_date(period, first, last, touchpoint, level):
    for p, t, levels, w_first, w_last, share in DATE_SKEW:
        if p == period and t == touchpoint and level in levels and rng.random() < share:
            first, last = max(first, w_first), min(last, w_last)
            break
    days = days_between(first, last)
    return rng.choices(days, [day_weight(d) for d in days])[0]


class Respondents:
    """R-123456 ids; about 3 % are people who answered an earlier survey too."""

    def __init__(self):
        self.seen = set()
        self.by_segment = {s: [] for s in SEGMENTS}

    def next(self, segment):
        earlier = self.by_segment[segment]
        if len(earlier) > 50 and rng.random() < 0.03:
            return rng.choice(earlier)
        while True:
            rid = "R-%06d" % rng.randint(100000, 999999)
            if rid not in self.seen:
                self.seen.add(rid)
                earlier.append(rid)
                return rid


def link_respondents(period, rows):
    """Gives some CSAT and CES answers the respondent id of an NPS answer of the same
    quarter and segment (see LINK_NOISE). A random generator of its own, so the scores,
    dates and comments are those of the files before respondents were linked."""
    link_rng = random.Random(f"links {period}")
    pools = {s: [r for r in rows if r[1] == "nps" and r[4] == s] for s in SEGMENTS}
    for metric in ("csat", "ces"):
        low, high = SCALES[metric]
        for t in TOUCHPOINTS:
            for s in SEGMENTS:
                answers = [r for r in rows if r[1] == metric and r[5] == t and r[4] == s and link_rng.random() < LINK_SHARE]
                people = link_rng.sample(pools[s], min(len(answers), len(pools[s])))
                answers = answers[:len(people)]
                people.sort(key=lambda r: r[2] / 10 + link_rng.gauss(0, LINK_NOISE[t]))
                answers.sort(key=lambda r: (r[2] - low) / (high - low) + link_rng.gauss(0, LINK_NOISE[t]))
                for answer, person in zip(answers, people):
                    answer[3] = person[3]


# --------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------
def generate_quarter(period, first, last, sizes, respondents):
    nps_o, csat_o, ces_o = OVERALL[period]
    rows = []
    report = {}
    for metric, n in zip(("nps", "csat", "ces"), sizes):
        # responses per touchpoint (weights jittered a little per quarter and metric)
        weights = {t: w * rng.uniform(0.92, 1.08) for t, w in TOUCHPOINT_WEIGHT.items()}
        tp_n = allocate(n, weights)
        # segment of every response, per touchpoint
        cells = {}
        for t in TOUCHPOINTS:
            segs = rng.choices(SEGMENTS, SEGMENT_MIX[t], k=tp_n[t])
            for s in SEGMENTS:
                cells[t, s] = segs.count(s)
        # NPS per cell: shift the snapshot touchpoint values so that, with these
        # counts, they average to the overall NPS; then fit segment effects.
        old = dict(zip(TOUCHPOINTS, TOUCHPOINT_NPS[period]))
        shift = nps_o - sum(tp_n[t] * old[t] for t in TOUCHPOINTS) / n
        tp_target = {t: old[t] + shift for t in TOUCHPOINTS}
        seg_target = dict(zip(SEGMENTS, SEGMENT_NPS[period]))
        cell_nps = fit_cells(cells, tp_target, seg_target)
        if metric == "nps":
            report["shift"] = shift
            target = cell_nps
        else:
            overall = csat_o if metric == "csat" else ces_o
            slope = CSAT_PER_NPS if metric == "csat" else CES_PER_NPS
            raw = {c: overall + slope * (cell_nps[c] - nps_o) for c in cells}
            correction = overall - sum(cells[c] * raw[c] for c in cells) / n
            target = {c: raw[c] + correction for c in cells}
        low, high = SCALES[metric]
        cell_scores = {}
        for t in TOUCHPOINTS:
            # one carry per touchpoint, so its totals come out right
            carry = [0.0] * {"nps": 3, "csat": 2, "ces": high - low + 1}[metric]
            for s in SEGMENTS:
                k = cells[t, s]
                if metric == "ces":  # the mean depends on every score: quota per score
                    counts = quota(k, ces_distribution(target[t, s]), carry)
                    cell_scores[t, s] = [low + i for i, c in enumerate(counts) for _ in range(c)]
                    continue
                # NPS and CSAT depend only on the bands: quota per band, then
                # draw the exact score within each band from its shape
                if metric == "nps":
                    shares, bands = nps_bands(target[t, s]), NPS_BANDS
                else:
                    shares, bands = csat_bands(target[t, s]), CSAT_BANDS
                counts = quota(k, shares, carry)
                cell_scores[t, s] = [rng.choices(values, shape)[0]
                                     for (values, shape), c in zip(bands, counts) for _ in range(c)]
        if metric == "nps":
            want = {s: sum(cells[t, s] * target[t, s] / 100 for t in TOUCHPOINTS) for s in SEGMENTS}
            rebalance(cell_scores, want)
        for (t, s), scores in cell_scores.items():
            for score in scores:
                level = band(metric, score)
                date = pick_date(period, first, last, t, level)
                comment = ""
                if comment_rng.random() < COMMENT_RATE[level]:
                    # Some promoters score high and vent all the same: the comments whose
                    # words and score disagree are worth reading.
                    venting = metric == "nps" and level == "pos" and comment_rng.random() < VENTING_PROMOTERS
                    comment = pick_comment(t, "angry" if venting else level, s, date)
                rows.append([date.isoformat(), metric, score, respondents.next(s), s, t, "", comment])
    link_respondents(period, rows)
    rng.shuffle(rows)
    rows.sort(key=lambda r: r[0])
    return rows, report


# --------------------------------------------------------------------------
# Figures as cxsite computes them
# --------------------------------------------------------------------------
def nps_of(scores):
    n = len(scores)
    if not n:
        return float("nan"), 0.0
    p = sum(1 for x in scores if x >= 9) / n
    d = sum(1 for x in scores if x <= 6) / n
    margin = 1.96 * 100 * math.sqrt(max(p + d - (p - d) ** 2, 0) / n)
    return 100 * (p - d), margin


def csat_of(scores):
    n = len(scores)
    c = sum(1 for x in scores if x >= 4) / n
    return 100 * c, 1.96 * 100 * math.sqrt(c * (1 - c) / n)


def ces_of(scores):
    n = len(scores)
    mean = sum(scores) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in scores) / (n - 1))
    return mean, 1.96 * sd / math.sqrt(n)


def level_rows(period, first, last, nps_count, respondents):
    """The quarter's relationship and journey answers (see "The three levels")."""
    rows = []
    for (level, share), target in zip(LEVEL_SHARE.items(), LEVEL_NPS[period]):
        n = round(nps_count * share)
        carry = [0.0] * 3
        counts = quota(n, nps_bands(target), carry)
        scores = [rng.choices(values, shape)[0] for (values, shape), c in zip(NPS_BANDS, counts) for _ in range(c)]
        for score in scores:
            segment = rng.choices(SEGMENTS, SEGMENT_SHARE)[0]
            mood = band("nps", score)
            date = pick_date(period, first, last, None, mood)
            comment = ""
            if comment_rng.random() < COMMENT_RATE[mood]:
                about = rng.choice(JOURNEYS[level]) if level in JOURNEYS else None
                comment = pick_comment(about, mood, segment, date)
            rows.append([date.isoformat(), "nps", score, respondents.next(segment), segment, "",
                         level if level in JOURNEYS else "", comment])
    return rows


def print_report(period, rows, shift):
    by = lambda metric, **f: [r[2] for r in rows if r[1] == metric
                              and all(r[{"touchpoint": 5, "segment": 4}[k]] == v for k, v in f.items())]
    nps_o, csat_o, ces_o = OVERALL[period]
    label = "old snapshot" if period != "2026-Q4" else "chosen target"
    nps, m1 = nps_of(by("nps"))
    csat, m2 = csat_of(by("csat"))
    ces, m3 = ces_of(by("ces"))
    print(f"\n{period}  ({len(rows)} responses, {sum(1 for r in rows if r[7])} with a comment)")
    print(f"  {'':22}{'computed':>10}{'±95%':>7}{'n':>6}   {label}")
    print(f"  {'NPS':22}{nps:>+10.1f}{m1:>7.1f}{len(by('nps')):>6}   {nps_o:+d}")
    print(f"  {'CSAT %':22}{csat:>10.1f}{m2:>7.1f}{len(by('csat')):>6}   {csat_o}")
    print(f"  {'CES':22}{ces:>10.2f}{m3:>7.2f}{len(by('ces')):>6}   {ces_o}")
    print(f"  NPS per touchpoint (targets = {label} {shift:+.1f}, see the docstring)")
    for t, old in zip(TOUCHPOINTS, TOUCHPOINT_NPS[period]):
        v, m = nps_of(by("nps", touchpoint=t))
        print(f"    {t:20}{v:>+10.1f}{m:>7.1f}{len(by('nps', touchpoint=t)):>6}   {old:+d}  (target {round(old + shift, 1) + 0.0:+.1f})")
    print("  NPS per segment")
    for s, old in zip(SEGMENTS, SEGMENT_NPS[period]):
        v, m = nps_of(by("nps", segment=s))
        print(f"    {s:20}{v:>+10.1f}{m:>7.1f}{len(by('nps', segment=s)):>6}   {old:+d}")


# --------------------------------------------------------------------------
# Checks on the written files
# --------------------------------------------------------------------------
def validate(paths):
    problems = []
    total = 0
    ids = {}
    for path in paths:
        with open(path, "rb") as f:
            raw = f.read()
        if raw.startswith(b"\xef\xbb\xbf"):
            problems.append(f"{path}: has a BOM")
        if b"\r" in raw:
            problems.append(f"{path}: contains CR characters")
        text = raw.decode("utf-8")
        reader = csv.reader(text.splitlines(keepends=True), strict=True)
        header = next(reader)
        if header != HEADER:
            problems.append(f"{path}: header {header}")
        previous = ""
        for line, row in enumerate(reader, start=2):
            total += 1
            if len(row) != len(HEADER):
                problems.append(f"{path}:{line}: {len(row)} fields")
                continue
            date, metric, score, respondent, segment, touchpoint, journey, comment = row
            try:
                d = dt.date.fromisoformat(date)
                if not (FIRST_DAY <= d <= LAST_DAY) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
                    problems.append(f"{path}:{line}: date {date} out of range")
            except ValueError:
                problems.append(f"{path}:{line}: bad date {date!r}")
            if date < previous:
                problems.append(f"{path}:{line}: not sorted by date")
            previous = date
            if metric not in SCALES:
                problems.append(f"{path}:{line}: metric {metric!r}")
            elif not re.fullmatch(r"\d+", score) or not SCALES[metric][0] <= int(score) <= SCALES[metric][1]:
                problems.append(f"{path}:{line}: {metric} score {score!r} out of range")
            if segment not in SEGMENTS:
                problems.append(f"{path}:{line}: segment {segment!r}")
            if touchpoint not in TOUCHPOINTS and not (touchpoint == "" and metric == "nps"):
                problems.append(f"{path}:{line}: touchpoint {touchpoint!r}")
            if journey and (journey not in JOURNEYS or touchpoint):
                problems.append(f"{path}:{line}: journey {journey!r}")
            if not re.fullmatch(r"R-\d{6}", respondent):
                problems.append(f"{path}:{line}: respondent {respondent!r}")
            elif ids.setdefault(respondent, segment) != segment:
                problems.append(f"{path}:{line}: respondent {respondent} in two segments")
    return total, problems


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    respondents = Respondents()
    paths, everything = [], []
    quarters = [(period, *generate_quarter(period, first, last, sizes, respondents)) for period, first, last, sizes in QUARTERS]
    # The levels come after every transactional answer is made, which they leave as it was.
    for (period, rows, report), (_, first, last, sizes) in zip(quarters, QUARTERS):
        rows += level_rows(period, first, last, sizes[0], respondents)
        rows.sort(key=lambda r: r[0])
    for period, rows, report in quarters:
        path = os.path.join(OUT_DIR, f"{period}.csv")
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
            writer.writerow(HEADER)
            writer.writerows(rows)
        paths.append(path)
        everything.extend(rows)
        print_report(period, rows, report["shift"])

    total, problems = validate(paths)
    comments = [r[7] for r in everything if r[7]]
    print(f"\nwrote {len(paths)} files, {total} responses, to {os.path.relpath(OUT_DIR, SITE)}/")
    print(f"comments: {len(comments)} ({100 * len(comments) / total:.1f} %), {len(set(comments))} distinct; "
          f"with a comma {sum(',' in c for c in comments)}, with a double quote {sum(chr(34) in c for c in comments)}")
    mix = {s: sum(1 for r in everything if r[4] == s) / total for s in SEGMENTS}
    print("segments: " + ", ".join(f"{s} {100 * v:.1f} %" for s, v in mix.items()))
    print(f"respondents: {len({r[3] for r in everything})} distinct ids")
    if problems:
        print(f"\n{len(problems)} problems:", *problems[:20], sep="\n  ")
        return 1
    print("checks: all rows parse; dates, metrics, scores, segments and touchpoints valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
