"""README stays a page a newcomer reads: short, two commands to start, and links that lead
somewhere (into docs/, where everything else is)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6} (.+)$", re.MULTILINE)


def prose(text: str) -> str:
    """The text without code, where a bracket is not a link."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"README has no section “{title}”"
    return match.group(1)


def anchors(path: Path) -> set[str]:
    """The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces
    to hyphens; a repeated heading gets -1, -2…"""
    seen: dict[str, int] = {}
    found = set()
    for heading in HEADING.findall(FENCE.sub("", path.read_text(encoding="utf-8"))):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def relative_links(path: Path) -> list[str]:
    return [
        target
        for target in LINK.findall(prose(path.read_text(encoding="utf-8")))
        if not re.match(r"^[a-z][a-z0-9+.-]*:", target)  # http:, https:, mailto:
    ]


def test_readme_is_at_most_260_lines():
    lines = README.read_text(encoding="utf-8").splitlines()

    assert len(lines) <= 260, f"README.md has {len(lines)} lines; move detail into docs/"


def test_readme_quick_start_is_exactly_make_run_and_make_test():
    quick_start = section(README.read_text(encoding="utf-8"), "Quick start")
    blocks = FENCE.findall(quick_start)

    assert len(blocks) == 1
    commands = [
        line.strip()
        for line in blocks[0].splitlines()[1:-1]
        if line.strip() and not line.strip().startswith("#")
    ]
    assert commands == ["make run", "make test"]


def test_readme_code_map_names_every_app():
    code_map = section(README.read_text(encoding="utf-8"), "Map of the code")
    named = set(re.findall(r"^\| `([a-z_]+)/` \|", code_map, re.MULTILINE))
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}

    assert apps <= named, f"apps missing from README's map of the code: {sorted(apps - named)}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.relative_to(ROOT).as_posix())
def test_relative_links_lead_to_existing_files_and_headings(page):
    broken = []
    for target in relative_links(page):
        file_part, _, anchor = target.partition("#")
        destination = (page.parent / file_part).resolve() if file_part else page
        if not destination.is_relative_to(ROOT) or not destination.exists():
            broken.append(f"{target}: no such file")
        elif anchor and destination.suffix == ".md" and anchor not in anchors(destination):
            broken.append(f"{target}: no heading #{anchor} in {destination.name}")

    assert broken == []


def test_docs_pages_are_all_linked_from_readme():
    linked = {
        (README.parent / target.partition("#")[0]).resolve() for target in relative_links(README)
    }
    pages = set((ROOT / "docs").glob("*.md"))

    assert {page.resolve() for page in pages} <= linked
