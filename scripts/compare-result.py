#!/usr/bin/env python3
"""Readable diff of two simulation Results (docs/SIMULATION.md) on the fields that matter.

    python3 scripts/compare-result.py expected.json actual.json   # exit 0: same, 1: differences

Compared: events (ok, code; `earliest` only when both carry it); invoices keyed by
(unit, issueDate, kind): dueDate, lines as a multiset of (line, type, months, accounts, amount),
taxableSubtotal, tax, nonTaxable, total, interest, paidOn; notices as a multiset of
(date, unit, type, to); desktops as a multiset of (date, unit, line, action, count);
units: status, history, lines (startDate, termEnd, endedOn); compensations keyed by
(outage, unit): days, amount, hours (±0.01).
"""
import json
import sys
from collections import Counter

INVOICE_FIELDS = ["dueDate", "taxableSubtotal", "tax", "nonTaxable", "total", "interest", "paidOn"]


class Diff:
    def __init__(self):
        self.lines = []

    def section(self, name):
        self.cur = name

    def add(self, msg):
        self.lines.append(f"[{self.cur}] {msg}")


def multiset(d, exp, act, fmt):
    e, a = Counter(exp), Counter(act)
    for k in sorted(e - a, key=repr):
        d.add(f"missing {fmt(k)}" + (f" x{(e - a)[k]}" if (e - a)[k] > 1 else ""))
    for k in sorted(a - e, key=repr):
        d.add(f"unexpected {fmt(k)}" + (f" x{(a - e)[k]}" if (a - e)[k] > 1 else ""))


def events(d, exp, act):
    d.section("events")
    ea = {e["index"]: e for e in exp.get("events", [])}
    aa = {e["index"]: e for e in act.get("events", [])}
    for i in sorted(set(ea) | set(aa)):
        e, a = ea.get(i), aa.get(i)
        if e is None or a is None:
            d.add(f"#{i}: {'missing' if a is None else 'unexpected'} result")
            continue
        es = "ok" if e.get("ok") else e.get("code")
        as_ = "ok" if a.get("ok") else a.get("code")
        if es != as_:
            d.add(f"#{i}: expected {es}, got {as_}")
        elif "earliest" in e and "earliest" in a and e["earliest"] != a["earliest"]:
            d.add(f"#{i}: earliest expected {e['earliest']}, got {a['earliest']}")


def line_key(l):
    return (l.get("line"), l.get("type"), l.get("months"), l.get("accounts"), l.get("amount"))


def invoices(d, exp, act):
    d.section("invoices")
    key = lambda v: (v.get("unit"), v.get("issueDate"), v.get("kind"))
    ei = {key(v): v for v in exp.get("invoices", [])}
    ai = {key(v): v for v in act.get("invoices", [])}
    for k in sorted(set(ei) | set(ai), key=lambda k: (k[1] or "", k[0] or "", k[2] or "")):
        e, a = ei.get(k), ai.get(k)
        name = f"{k[0]} {k[1]} {k[2]}"
        if a is None:
            d.add(f"missing invoice {name} total={e.get('total')}")
            continue
        if e is None:
            d.add(f"unexpected invoice {name} total={a.get('total')}")
            continue
        for f in INVOICE_FIELDS:
            if e.get(f) != a.get(f):
                d.add(f"{name}: {f} expected {e.get(f)!r}, got {a.get(f)!r}")
        el = Counter(line_key(l) for l in e.get("lines", []))
        al = Counter(line_key(l) for l in a.get("lines", []))
        for l in sorted(el - al, key=repr):
            d.add(f"{name}: missing line {l}")
        for l in sorted(al - el, key=repr):
            d.add(f"{name}: unexpected line {l}")


def notices(d, exp, act):
    d.section("notices")
    k = lambda n: (n.get("date"), n.get("unit"), n.get("type"), n.get("to"))
    multiset(d, [k(n) for n in exp.get("notices", [])], [k(n) for n in act.get("notices", [])],
             lambda t: f"{t[0]} {t[1]} {t[2]} -> {t[3]}")


def desktops(d, exp, act):
    d.section("desktops")
    k = lambda x: (x.get("date"), x.get("unit"), x.get("line"), x.get("action"), x.get("count"))
    multiset(d, [k(x) for x in exp.get("desktops", [])], [k(x) for x in act.get("desktops", [])],
             lambda t: f"{t[0]} {t[1]}/{t[2]} {t[3]} x{t[4]}")


def units(d, exp, act):
    d.section("units")
    eu = {u["unit"]: u for u in exp.get("units", [])}
    au = {u["unit"]: u for u in act.get("units", [])}
    for ref in sorted(set(eu) | set(au)):
        e, a = eu.get(ref), au.get(ref)
        if e is None or a is None:
            d.add(f"{ref}: {'missing' if a is None else 'unexpected'} unit")
            continue
        if e.get("status") != a.get("status"):
            d.add(f"{ref}: status expected {e.get('status')}, got {a.get('status')}")
        eh = [(h.get("date"), h.get("status")) for h in e.get("history", [])]
        ah = [(h.get("date"), h.get("status")) for h in a.get("history", [])]
        if eh != ah:
            d.add(f"{ref}: history expected {eh}, got {ah}")
        el = {l["line"]: l for l in e.get("lines", [])}
        al = {l["line"]: l for l in a.get("lines", [])}
        for ln in sorted(set(el) | set(al)):
            x, y = el.get(ln), al.get(ln)
            if x is None or y is None:
                d.add(f"{ref}/{ln}: {'missing' if y is None else 'unexpected'} line")
                continue
            for f in ("startDate", "termEnd", "endedOn"):
                if x.get(f) != y.get(f):
                    d.add(f"{ref}/{ln}: {f} expected {x.get(f)}, got {y.get(f)}")


def compensations(d, exp, act):
    d.section("compensations")
    k = lambda c: (c.get("outage"), c.get("unit"))
    ec = {k(c): c for c in exp.get("compensations", [])}
    ac = {k(c): c for c in act.get("compensations", [])}
    for key in sorted(set(ec) | set(ac)):
        e, a = ec.get(key), ac.get(key)
        name = f"{key[0]}/{key[1]}"
        if e is None or a is None:
            c = e or a
            d.add(f"{'missing' if a is None else 'unexpected'} {name} days={c.get('days')} amount={c.get('amount')}")
            continue
        for f in ("days", "amount"):
            if e.get(f) != a.get(f):
                d.add(f"{name}: {f} expected {e.get(f)}, got {a.get(f)}")
        try:
            if abs(float(e.get("hours")) - float(a.get("hours"))) > 0.01:
                d.add(f"{name}: hours expected {e.get('hours')}, got {a.get('hours')}")
        except (TypeError, ValueError):
            d.add(f"{name}: hours expected {e.get('hours')}, got {a.get('hours')}")


def deposits(d, exp, act):
    """Only when the expected result has deposits (scenarios with deposit events)."""
    if "deposits" not in exp:
        return
    d.section("deposits")
    pay = lambda p: (p.get("unit"), p.get("issueDate"), p.get("kind"), p.get("amount"))
    k = lambda x: (x.get("ref"), x.get("status"), tuple(sorted(pay(p) for p in x.get("payments", []))), x.get("credit", 0))
    multiset(d, [k(x) for x in exp.get("deposits", [])], [k(x) for x in act.get("deposits", [])],
             lambda t: f"{t[0]} {t[1]} payments={list(t[2])} credit={t[3]}")


def main(argv):
    if len(argv) != 3:
        print("usage: compare.py expected.json actual.json", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        exp = json.load(f)
    with open(argv[2], encoding="utf-8") as f:
        act = json.load(f)
    d = Diff()
    for check in (events, invoices, notices, desktops, units, compensations, deposits):
        check(d, exp, act)
    for line in d.lines:
        print(line)
    if d.lines:
        print(f"{len(d.lines)} difference(s)")
        return 1
    print("same")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
