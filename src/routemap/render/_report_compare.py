"""Change over time in the report: each published route's persons in two periods, from published cells."""

from __future__ import annotations

from routemap.disclosure import Publication
from routemap.render.tables import Column, Table
from routemap.render.words import integer, word


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def period_counts(pub: Publication, period: tuple[int, int]) -> dict[str, int | None]:
    """Persons per published route in a period: the sum of its published year cells, ``None`` if one is hidden."""
    long = pub.breakdown("year")
    lo, hi = period
    inside = long.loc[long["value"].astype(str).map(lambda v: v.isdigit() and lo <= int(v) <= hi)]
    hidden = set(inside.loc[inside["status"] != "published", "route"].astype(str))
    cells = pub.cells("year")
    cells = cells.loc[cells["value"].astype(str).map(lambda v: v.isdigit() and lo <= int(v) <= hi)]
    sums = cells.groupby("route")["persons"].sum()
    withheld = set(pub.published_routes()["route"].astype(str)) - set(long["route"].astype(str))
    out: dict[str, int | None] = {}
    for route in pub.published_routes()["route"].astype(str):
        out[route] = None if route in hidden or route in withheld else int(sums.get(route, 0))
    return out


def _period_text(period: tuple[int, int]) -> str:
    lo, hi = period
    return f"{lo}–{hi}" if lo != hi else str(lo)


def compare_table(pub: Publication, periods: tuple[tuple[int, int], tuple[int, int]], *, lang: str, unit: str) -> Table:
    """Each published route's persons in two periods and the change, where both are published sums."""
    first, second = (period_counts(pub, p) for p in periods)
    routes = pub.published_routes()
    rows = []
    for key, label in zip(routes["route"].astype(str), routes["label"], strict=True):
        a, b = first[key], second[key]
        change = b - a if a is not None and b is not None else None
        if a == 0 and b == 0:
            continue  # no one on the route in either period
        rows.append((str(label), a, b, change))
    rows.sort(key=lambda r: (-(abs(r[3]) if r[3] is not None else -1), r[0]))
    columns = (
        Column("route", word("col_route", lang)),
        Column("first", _period_text(periods[0]), "count"),
        Column("second", _period_text(periods[1]), "count"),
        Column("change", word("report_change", lang), "count"),
    )
    note = _cap(
        word(
            "report_compare_note",
            lang,
            unit=unit,
            first=_period_text(periods[0]),
            second=_period_text(periods[1]),
            k=pub.min_count,
        )
    )
    title = word("report_compare", lang)
    return Table("compare", title, title, columns, tuple(rows), note)


def _signed(n: int | None, lang: str) -> str:
    if n is None:
        return ""
    return ("+" if n > 0 else "") + integer(n, lang).replace("-", "−")
