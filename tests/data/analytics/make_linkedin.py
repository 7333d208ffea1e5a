"""Writes linkedin_posts.xlsx: LinkedIn's current "All posts" sheet, a title row above the
header (as LinkedIn exports it), percentages as text. Run it again after changing a row."""

from pathlib import Path

from openpyxl import Workbook

HEADER = [
    "Post title",
    "Post link",
    "Post type",
    "Posted by",
    "Created date",
    "Audience",
    "Impressions",
    "Views",
    "Clicks",
    "Click through rate (CTR)",
    "Likes",
    "Comments",
    "Reposts",
    "Engagement rate",
    "Content Type",
]
ROWS = [
    [
        "Hiring: trail guides for the summer season",
        "https://www.linkedin.com/feed/update/urn:li:activity:7001",
        "Organic",
        "Trailforge",
        "04/02/2024",
        "All followers",
        "1,000",
        "",
        "30",
        "3%",
        "15",
        "3",
        "2",
        "5%",
        "Text",
    ],
    [
        "Our 2023 impact report is out",
        "https://www.linkedin.com/feed/update/urn:li:activity:7002",
        "Organic",
        "Trailforge",
        "04/09/2024",
        "All followers",
        "2,500",
        "",
        "100",
        "4%",
        "40",
        "5",
        "5",
        "6%",
        "Document",
    ],
]


def main() -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "All posts"
    sheet.append(["All posts, Trailforge, 04/01/2024 - 04/30/2024"])
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    book.save(Path(__file__).with_name("linkedin_posts.xlsx"))


if __name__ == "__main__":
    main()
