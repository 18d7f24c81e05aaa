"""The demo world's materials: what the national office offers contact points."""

from materials.models import LANGUAGE_CODES, Material

ALL = LANGUAGE_CODES

MATERIALS = [
    (
        "Selvhjelp – en innføring",
        "Kort innføring i selvorganisert selvhjelp: hva det er, hvordan en gruppe fungerer, og hvem som kan være med.",
        ALL,
    ),
    (
        "Hvordan sette i gang en selvorganisert selvhjelpsgruppe",
        "Heftet nye grupper bruker de første gangene de møtes.",
        ALL,
    ),
    (
        "Selvhjelpsgrupper – brosjyre til venteværelset",
        "Brosjyre til å legge ut der folk venter: hva en selvhjelpsgruppe er, at det er gratis og frivillig.",
        ["nb", "nn", "se"],
    ),
    (
        "Plakat A3 – Selvhjelp Norge",
        "Plakat til oppslagstavler, med plass til kontaktpunktets navn.",
        ["nb", "nn"],
    ),
]


def seed_materials() -> None:
    """Safe to run again: each material is found by its title."""
    for title, description, languages in MATERIALS:
        Material.objects.update_or_create(
            title=title, defaults={"description": description, "languages": list(languages), "is_active": True}
        )
