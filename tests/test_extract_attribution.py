"""Attribution: each claim goes to the film of its own clause, heading or credit, never to the page's topic by default.

Every sentence here is invented for this table (none comes from a dev set), one phenomenon a row.
"""
from __future__ import annotations

import pytest

from pipeline.config import parse_watchlist
from pipeline.document import read_text
from pipeline.extract import extract_claims


def claims_of(text: str, films: str = "") -> set[tuple]:
    claims = extract_claims(read_text(text, source="t.txt"), parse_watchlist(films) if films else ())
    out: set[tuple] = set()
    for c in claims:
        if c.field == "release_date":
            out.add((c.film, "release_date", c.value, c.status))
        else:
            out.add((c.film, c.field, c.value))
    return out


# (text, watch-list, claims that must be there, claims that must not)
CASES = [
    # a credit's year belongs to the credited film
    ("Rhoda Quill, best known for 2016's Paper Kites, directs Lantern Bay, which opens on May 8, 2026.",
     "Lantern Bay,Paper Kites",
     {("Paper Kites", "release_date", "2016", "current"), ("Lantern Bay", "release_date", "2026-05-08", "current")},
     {("Lantern Bay", "release_date", "2016", "current")}),
    ("The sequel to the 2019 hit Copper Moth arrives in cinemas on 3 July 2026.", "Copper Moth II,Copper Moth",
     {("Copper Moth", "release_date", "2019", "current")},
     {("Copper Moth", "release_date", "2026-07-03", "current")}),
    ("Mendez spent the winter on Coldharbour, a follow-up to her 2018 debut Brine (2018).", "Coldharbour,Brine",
     {("Brine", "release_date", "2018", "current")}, {("Coldharbour", "release_date", "2018", "current")}),
    # a creator's possessive credits a director; an actor's "movie" does not
    ("Omar Velde's new thriller, Night Ledger, opens in October 2026.", "Night Ledger",
     {("Night Ledger", "director", "Omar Velde"), ("Night Ledger", "release_date", "2026-10", "current")}, set()),
    ("Night Ledger is Pia Morn's movie from the first frame; she plays a courier.", "Night Ledger",
     set(), {("Night Ledger", "director", "Pia Morn")}),
    ("Quarry Light, the Ines Ballard comedy, was pushed to March 2027.", "Quarry Light",
     {("Quarry Light", "director", "Ines Ballard"), ("Quarry Light", "release_date", "2027-03", "current")}, set()),
    ("The lineup includes Salt Orchard, a documentary by Teo Marsh.", "Salt Orchard",
     {("Salt Orchard", "director", "Teo Marsh")}, set()),
    ("Rust Meridian comes from writer-directors Ada and Bram Holloway.", "Rust Meridian",
     {("Rust Meridian", "director", "Ada Holloway"), ("Rust Meridian", "director", "Bram Holloway")}, set()),
    # a title inside a relative clause keeps its claims to itself
    ("The film was directed by Lio Brandt, whose Harbour Ghosts (2021) won prizes.", "Cold Spring,Harbour Ghosts",
     {("Harbour Ghosts", "release_date", "2021", "current")}, {("Harbour Ghosts", "director", "Lio Brandt")}),
    # everyday-word titles count only when marked as titles
    ("It is hard to say when the studio will decide. It opens on June 5, 2026.", "It", set(),
     {("It", "release_date", "2026-06-05", "current")}),
    ('The horror film "It" opens on June 5, 2026.', "It", {("It", "release_date", "2026-06-05", "current")}, set()),
    ("Us regulars will remember the dinner scene.", "Us", set(), {("Us", "cast", "Us")}),
    # change chains: every date but the last is previous
    ("Vesper Row moved first to April 2026, then to June 2026, and now to January 8, 2027.", "Vesper Row",
     {("Vesper Row", "release_date", "2026-04", "previous"), ("Vesper Row", "release_date", "2026-06", "previous"),
      ("Vesper Row", "release_date", "2027-01-08", "current")}, set()),
    ("First dated for May, Moth Season then shifted to August 14, 2026 and will now open on October 2, 2026.",
     "Moth Season",
     {("Moth Season", "release_date", "2026-08-14", "previous"), ("Moth Season", "release_date", "2026-10-02", "current")},
     {("Moth Season", "release_date", "2026-08-14", "current")}),
    ("The theatrical run (November 2026) was cancelled; Glimmer streams from December 4, 2026.", "Glimmer",
     {("Glimmer", "release_date", "2026-11", "previous"), ("Glimmer", "release_date", "2026-12-04", "current")}, set()),
    ("Red Larch and Tidy Ghosts were set for May 1, 2026 and May 15, 2026 respectively.", "Red Larch,Tidy Ghosts",
     {("Red Larch", "release_date", "2026-05-01", "previous"), ("Tidy Ghosts", "release_date", "2026-05-15", "previous")},
     {("Red Larch", "release_date", "2026-05-15", "previous")}),
    ("Orla Films pushed Fen Light to June 12, 2026 to dodge the June 5, 2026 opening of Brass Kites.",
     "Fen Light,Brass Kites",
     {("Fen Light", "release_date", "2026-06-12", "current"), ("Brass Kites", "release_date", "2026-06-05", "current")},
     {("Fen Light", "release_date", "2026-06-05", "current")}),
    # dates that are not release dates
    ("TORONTO, March 3 — Fen Light will open on May 8, 2027.", "Fen Light",
     {("Fen Light", "release_date", "2027-05-08", "current")}, {("Fen Light", "release_date", "2027-03-03", "current")}),
    ("Fen Light moves to May By Sam Ortega, November 12, 2026 Fen Light will now open on May 8, 2027.", "Fen Light",
     {("Fen Light", "release_date", "2027-05-08", "current")},
     {("Fen Light", "release_date", "2026-11-12", "previous"), ("Fen Light", "release_date", "2026-11-12", "current")}),
    ("A first teaser for Fen Light is expected on March 2, 2026.", "Fen Light", set(),
     {("Fen Light", "release_date", "2026-03-02", "current")}),
    ("Tickets for Fen Light go on sale Wed 11 Mar 2026.", "Fen Light", set(),
     {("Fen Light", "release_date", "2026-03-11", "current")}),
    # an everyday word in capitals is not the film; a studio's bare name is not a film
    ("Marsh Hollow opens in US theaters on April 17, 2026.", "Marsh Hollow,Us", set(),
     {("Us", "release_date", "2026-04-17", "current")}),
    # reviews: "(Actor)" after a described part; the heading's film, not a film named for comparison
    ("Terror at the lake, Cold Spring\nIt plays like a goof on Harbour Ghosts. A lonely ferryman (Tomas Reyes) hears a knock.",
     "Cold Spring,Harbour Ghosts", {("Cold Spring", "cast", "Tomas Reyes")}, {("Harbour Ghosts", "cast", "Tomas Reyes")}),
    # awards coverage: a performance in a title
    ("Ada Brandt's fierce performance as a ferry captain in Cold Spring won her the prize.", "Cold Spring",
     {("Cold Spring", "cast", "Ada Brandt")}, set()),
    ("Tomas Reyes was named best actor for playing a lighthouse keeper in Harbour Ghosts.", "Harbour Ghosts",
     {("Harbour Ghosts", "cast", "Tomas Reyes")}, set()),
    ("Tomas Reyes is the favourite. Reyes, likewise, has won most prizes so far for his performance as an aging Ada Lovell in the biopic Harbour Ghosts.",
     "Harbour Ghosts,Ada", {("Harbour Ghosts", "cast", "Tomas Reyes")}, {("Ada", "cast", "Tomas Reyes")}),
    # a film described by its year ("the 1984 horror film") in a paragraph about it
    ("Harbour Ghosts returns to cinemas this week. Critics still rank the 1984 horror film among the best of its decade.",
     "Harbour Ghosts", {("Harbour Ghosts", "release_date", "1984", "current")}, set()),
    # creator possessives: a budget, a brand, two possessors
    ("Ines Marlo's $90 million Netflix heist movie Cold Spring opens on May 8, 2026.", "Cold Spring",
     {("Cold Spring", "director", "Ines Marlo")}, set()),
    ("Ada Brandt and Tomas Reyes's Harbour Ghosts is the rare sequel that works.", "Harbour Ghosts",
     {("Harbour Ghosts", "director", "Ada Brandt"), ("Harbour Ghosts", "director", "Tomas Reyes")}, set()),
    ("The museum shows 1985's \"Harbour Ghosts\" tonight.", "Harbour Ghosts",
     {("Harbour Ghosts", "release_date", "1985", "current")}, set()),
    # a part turned down is no casting; a title's star; "star of X"
    ("Lio Brandt was attached to play the sheriff in Cold Spring, but he turned down the role.", "Cold Spring",
     set(), {("Cold Spring", "cast", "Lio Brandt")}),
    ("Harbour Ghosts star Ada Brandt makes a cameo in Cold Spring.", "Cold Spring,Harbour Ghosts",
     {("Harbour Ghosts", "cast", "Ada Brandt"), ("Cold Spring", "cast", "Ada Brandt")}, set()),
    ("Happy birthday to Tomas Reyes, star of 1991's Harbour Ghosts, who turns 60 today.", "Harbour Ghosts",
     {("Harbour Ghosts", "cast", "Tomas Reyes"), ("Harbour Ghosts", "release_date", "1991", "current")}, set()),
    # trade shorthand, without a watch-list: "(Distributor, date)", a studio's possessive
    ("Weekend preview: Copper Moth (Lionsgate, March 6, 2026) is tracking for a $40 million opening at the box office.", "",
     {("Copper Moth", "release_date", "2026-03-06", "current")}, set()),
    ("Sony's Rust Meridian lands on Netflix April 3, 2026 after a theatrical run.", "",
     {("Rust Meridian", "release_date", "2026-04-03", "current")}, set()),
    # a director of something the sentence does not name is no director of the page's film
    ("Cold Spring opens on May 8, 2026. Last year, director Lio Brandt organized a stage show in Leeds.",
     "Cold Spring", set(), {("Cold Spring", "director", "Lio Brandt")}),
    ("Cold Spring opens on May 8, 2026. The film's director, Lio Brandt, shot it in Leeds.",
     "Cold Spring", {("Cold Spring", "director", "Lio Brandt")}, set()),
    # an album is no film credit
    ("Her second album, 2019's Night Swimming, went gold; the film Marsh Hollow opens May 8, 2026.", "",
     set(), {("Night Swimming", "release_date", "2019", "current")}),
]


@pytest.mark.parametrize(("text", "films", "present", "absent"), CASES, ids=[c[0][:50] for c in CASES])
def test_attribution(text: str, films: str, present: set[tuple], absent: set[tuple]) -> None:
    got = claims_of(text, films)
    assert present <= got, f"missing {present - got}; got {got}"
    assert not (absent & got), f"unexpected {absent & got}"


LIST_PAGE = """Three films to watch

Harrow Gate (2026)
- Director: Mina Castellane
- Starring: Olu Brandt, Sefa Moreau
- Release date: 9 October 2026

Quiet Tallow
- Original date: 6 March 2026
- Moved to: 24 April 2026
- Finally released: 11 September 2026
- Directed by Ruth Okafor

THE GLASS FERRY
Opens Fri 13 Mar 2026 | 15 | 118 mins
Dir. Ines Varga. With Tomas Reyes, Aiko Lund and Paul Serra.
"""


@pytest.mark.parametrize("films", ["Harrow Gate,Quiet Tallow,The Glass Ferry", ""], ids=["watch-list", "discovery"])
def test_list_page_claims_belong_to_their_heading(films: str) -> None:
    got = claims_of(LIST_PAGE, films)
    expected = {
        ("Harrow Gate", "director", "Mina Castellane"), ("Harrow Gate", "cast", "Olu Brandt"),
        ("Harrow Gate", "cast", "Sefa Moreau"), ("Harrow Gate", "release_date", "2026-10-09", "current"),
        ("Quiet Tallow", "release_date", "2026-03-06", "previous"),
        ("Quiet Tallow", "release_date", "2026-04-24", "previous"),
        ("Quiet Tallow", "release_date", "2026-09-11", "current"), ("Quiet Tallow", "director", "Ruth Okafor"),
        ("The Glass Ferry", "release_date", "2026-03-13", "current"), ("The Glass Ferry", "director", "Ines Varga"),
        ("The Glass Ferry", "cast", "Tomas Reyes"), ("The Glass Ferry", "cast", "Aiko Lund"),
        ("The Glass Ferry", "cast", "Paul Serra"),
    }
    assert expected <= got, f"missing {expected - got}"
    assert not any(c[0] == "Harrow Gate" and c[1] == "director" and c[2] != "Mina Castellane" for c in got)
