"""The route a drug is given by, read next to its name (assistant.routes)."""

from __future__ import annotations

import pytest

from assistant.routes import other_route, routes_near


@pytest.mark.parametrize(
    ("text", "name", "routes"),
    [
        ("I'm taking oral ganciclovir capsules as maintenance.", "ganciclovir", {"oral"}),
        ("Ganciclovir implant in the eye to be treated.", "Ganciclovir", {"implanted"}),
        ("I had IV foscarnet for my CMV", "foscarnet", {"intravenous"}),
        ("I use a steroid inhaler for asthma", "steroid", {"inhaled"}),
        ("Aerosolized pentamidine.", "pentamidine", {"inhaled"}),  # a dosage form of the respiratory route
        (
            "Systemic corticosteroids within 4 weeks",
            "corticosteroids",
            {"oral", "intravenous", "injected", "implanted"},
        ),
        # not a route: a stage, an exception's routes, nothing said
        ("stage IV lung cancer", "lung cancer", set()),
        ("Corticosteroids (except topical or inhaled)", "Corticosteroids", set()),
        ("Ganciclovir other than oral.", "Ganciclovir", set()),
        ("I take ganciclovir.", "ganciclovir", set()),
        # a route past a word that times the mention by another event belongs to that event
        ("No concurrent colony stimulating factors during topotecan infusion", "colony stimulating factors", set()),
        ("Neupogen shots while the topotecan pump is running", "Neupogen", {"injected"}),
        ("No steroids after IV contrast", "steroids", set()),
    ],
)
def test_routes_near_a_name(text: str, name: str, routes: set[str]) -> None:
    start = text.index(name)
    assert routes_near(text, start, start + len(name)) == routes


def test_other_route_needs_both_sides_to_name_one() -> None:
    text = "Systemic corticosteroids"
    at = text.index("corticosteroids")
    assert other_route(frozenset({"inhaled"}), text, at, len(text))
    assert not other_route(frozenset({"oral"}), text, at, len(text))
    assert not other_route(frozenset(), text, at, len(text))
