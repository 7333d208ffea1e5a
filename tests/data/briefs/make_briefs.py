"""Writes briefs-100.csv and briefs-100.xlsx: the same 100 briefs of a made-up month of
Maison Lemoine (October-November 2030, Europe/Paris), as a French spreadsheet saves them:
`;` between cells, day-first dates, accents, a UTF-8 BOM; the workbook holds real date
cells. 27 October 2030 is the night the clocks go back in Paris. Run it again after
changing a row."""

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
HEADER = ["publish_at", "brief", "networks", "variants", "photo", "link", "label"]
NETWORKS = "x,linkedin,instagram,facebook,bluesky,threads,mastodon"
PRODUCTS = [
    "palets au beurre salé",
    "galettes à la fleur de sel",
    "crêpes dentelle",
    "kouign-amann",
    "sablés au blé noir",
    "caramel au beurre salé",
    "far breton aux pruneaux",
    "gâteau breton à la framboise",
    "madeleines au miel de sarrasin",
    "cigarettes russes",
]
ANGLES = [
    "Découvrez nos {p}, préparés chaque matin dans l’atelier de Pont-Aven.",
    "Nos {p} arrivent en boutique : une recette de 1954, du beurre AOP et rien d’autre.",
    "Idée cadeau : le coffret de {p}, livré chez vous en 48 h.",
    "Coulisses : Élodie vous montre comment naissent nos {p}.",
    "Le saviez-vous ? Nos {p} sont cuits au four à sole depuis trois générations.",
    "Atelier dégustation samedi : venez goûter nos {p} à la boutique de Pont-Aven.",
    "Édition limitée : des {p} aux saveurs d’automne, à commander en ligne.",
    "Merci à nos clients fidèles : -10 % sur les {p} cette semaine.",
    "Recette du dimanche : un dessert rapide avec nos {p}.",
    "Portrait : Hervé, pâtissier depuis 25 ans, parle de ses {p}.",
]
TIMES = [(9, 0), (12, 30), (18, 0)]


def rows() -> list[list[object]]:
    """100 rows, three a day from 14 October 2030 (27 October is the change of hour)."""
    found = []
    day = date(2030, 10, 14)
    for number in range(100):
        hour, minute = TIMES[number % 3]
        when = datetime(day.year, day.month, day.day, hour, minute)
        product = PRODUCTS[number % 10]
        text = ANGLES[(number // 10) % 10].format(p=product)
        link = f"https://lemoine.example/produits/{number + 1}" if number % 4 == 0 else ""
        found.append([when, text, NETWORKS, "", "", link, f"semaine {when.isocalendar()[1]}"])
        if number % 3 == 2:
            day += timedelta(days=1)
    return found


def write_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        for when, *rest in rows():
            writer.writerow([f"{when:%d/%m/%Y %H:%M}", *rest])


def write_xlsx(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Planning"
    sheet.append(HEADER)
    for row in rows():
        sheet.append(row)
    for cell in sheet["A"][1:]:
        cell.number_format = "dd/mm/yyyy hh:mm"
    book.save(path)


if __name__ == "__main__":
    write_csv(HERE / "briefs-100.csv")
    write_xlsx(HERE / "briefs-100.xlsx")
