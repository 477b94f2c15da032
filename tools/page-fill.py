#!/usr/bin/env python3
"""page-fill.py: how full are the pages of a built edition?

    tools/page-fill.py dist/yiwu-vlr-2020.en.pdf [--max-empty 40] [--max-bare 12] [-v]

For every page it reports
  * whether the page carries body text (reading matter): at least --min-chars
    characters inside the text block that are
      - running text: a body face (Noto Serif, Noto Serif CJK, Noto Naskh
        Arabic) at 9 to 12.5 pt, or
      - table and key-figure text: any face at 7 to 12.5 pt (7 pt: the smallest
        size legible in print, used by statistical annexes), except chart
        labels (drawn by src/charts.rs in #333333 and #777777);
    before the first chapter (cover, imprint, contents, lists) only running
    text counts: contents and lists are navigation. A CJK character counts
    as two (it carries about two Latin letters' worth of text). Covers,
    openers, the contents, the imprint, chart-only and blank pages carry none.
    The strict count (running text only) is printed too;
  * how empty it is: the page is rasterized (pdftoppm, 50 dpi, grey) and the
    lowest inked row of the text block is found; emptiness is the share of the
    text block's height below it (a full-bleed colour page is 0% empty);
  * whether it is a part's last page, allowed to run short: the next page
    starts with a level-1 heading (a chapter that begins a new page: the
    outline entry lies above every other text of that page's text block), or
    it is the last page before the back cover (a blank page of a print
    edition, before a right-hand opener or the back cover, is skipped).

It exits 1 when more than --max-bare percent of the pages carry no body text
or when a page other than a part's last page is more than --max-empty percent
empty. The text block is the page minus the margins of templates/main.typ
(--top and --bottom, in mm). Needs poppler-utils (pdftoppm) and mupdf-tools
(mutool); Python's standard library only.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

MM = 72 / 25.4
BODY_FACES = ("NotoSerif-", "NotoSerifCJK", "NotoNaskhArabic")
CHART_COLOURS = ("#333333", "#777777")


def weight(ch):
    """A CJK character counts as two."""
    o = ord(ch)
    return 2 if 0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF else 1


def pgm(path):
    """Reads a binary PGM (P5): width, height, bytes."""
    with open(path, "rb") as f:
        data = f.read()
    fields = []
    i = 0
    while len(fields) < 4:
        while data[i : i + 1].isspace():
            i += 1
        if data[i : i + 1] == b"#":
            while data[i : i + 1] != b"\n":
                i += 1
            continue
        j = i
        while not data[j : j + 1].isspace():
            j += 1
        fields.append(data[i:j])
        i = j
    assert fields[0] == b"P5", "expected a grey PGM"
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[i + 1 :]


def outline_starts(pdf):
    """Level-1 outline entries: {page: [y from the top, in pt]}."""
    out = subprocess.run(["mutool", "show", pdf, "outline"], capture_output=True, text=True).stdout
    starts = {}
    for line in out.splitlines():
        m = re.match(r"^[|+-]\t\"", line)  # one tab: level 1
        if not m:
            continue
        p = re.search(r"#page=(\d+)(?:&zoom=[^,]*,[^,]*,([\d.]+))?", line)
        if p:
            starts.setdefault(int(p.group(1)), []).append(float(p.group(2) or 0))
    return starts


def page_text(pdf, n_pages):
    """Per page: (page height, [(font, size, y0, y1, chars)] for every line)."""
    xml = subprocess.run(["mutool", "draw", "-q", "-F", "stext", "-o", "-", pdf], capture_output=True).stdout
    root = ET.fromstring(xml)
    pages = []
    for page in root.iter("page"):
        lines = []
        for line in page.iter("line"):
            y0, y1 = (float(v) for v in line.get("bbox").split()[1::2])
            for font in line.iter("font"):
                chars = [c for c in font.iter("char") if not c.get("c", " ").isspace()]
                body = sum(weight(c.get("c")) for c in chars)
                matter = sum(weight(c.get("c")) for c in chars if c.get("color") not in CHART_COLOURS)
                lines.append((font.get("name", ""), float(font.get("size", 0)), y0, y1, body, matter))
        pages.append((float(page.get("height")), lines))
    return pages


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pdf")
    ap.add_argument("--top", type=float, default=24, help="top margin, mm")
    ap.add_argument("--bottom", type=float, default=22, help="bottom margin, mm")
    ap.add_argument("--bleed", type=float, default=0, help="bleed around the trim, mm (print profile: 3)")
    ap.add_argument("--min-chars", type=int, default=120)
    ap.add_argument("--max-empty", type=float, default=40)
    ap.add_argument("--max-bare", type=float, default=12)
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()

    texts = page_text(a.pdf, None)
    starts = outline_starts(a.pdf)
    n = len(texts)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-q", "-r", "50", "-gray", a.pdf, os.path.join(tmp, "p")], check=True)
        files = sorted(os.listdir(tmp), key=lambda f: int(re.search(r"(\d+)", f).group(1)))
        rows = []
        for i, f in enumerate(files):
            w, h, px = pgm(os.path.join(tmp, f))
            height_pt, lines = texts[i]
            scale = h / height_pt
            bleed = a.bleed * MM
            top_pt, bot_pt = bleed + a.top * MM, height_pt - bleed - a.bottom * MM
            top, bot = int(top_pt * scale), int(bot_pt * scale)
            x0, x1 = int(bleed * scale), w - int(bleed * scale)
            lowest = None
            for y in range(bot - 1, top - 1, -1):
                row = px[y * w + x0 : y * w + x1]
                if sum(1 for v in row if v < 250) > 2:
                    lowest = y
                    break
            empty = 100.0 if lowest is None else 100.0 * (bot - 1 - lowest) / (bot - top)
            inside = [ln for ln in lines if ln[2] >= top_pt and ln[3] <= bot_pt]
            running = sum(
                c for (font, size, _, _, c, _) in inside if font.split("+")[-1].startswith(BODY_FACES) and 9 <= size <= 12.5
            )
            other = sum(m for (font, size, _, _, _, m) in inside if 7 <= size <= 12.5)
            rows.append((i + 1, running, other, empty, lines, top_pt, bot_pt))

    def starts_page(p):
        """Page p (1-based) opens with a level-1 heading."""
        if p not in starts or p > n:
            return False
        _, lines = texts[p - 1]
        top_pt, bot_pt = rows[p - 1][5], rows[p - 1][6]
        first = min((ln[2] for ln in lines if ln[2] >= top_pt and ln[3] <= bot_pt), default=None)
        return first is None or min(starts[p]) <= first + 40

    bare = strict = 0
    worst = any_worst = (0.0, None)
    failures = []
    first_chapter = min(starts, default=1)
    blank = {p for (p, _, _, empty, _, _, _) in rows if empty >= 100.0}
    for p, running, other, empty, _, _, _ in rows:
        body = running >= a.min_chars or (p >= first_chapter and running + other >= a.min_chars)
        strict += running < a.min_chars
        # A print edition's blank page (before a right-hand opener or the back
        # cover) ends the part before it too.
        nxt = p + 2 if p + 1 in blank else p + 1
        last_of_part = p in blank or nxt >= n or starts_page(nxt)
        exempt = last_of_part or p == n or p == 1
        bare += not body
        if p not in (1, n) and empty > any_worst[0]:
            any_worst = (empty, p)
        if not exempt and empty > worst[0]:
            worst = (empty, p)
        if not exempt and empty > a.max_empty:
            failures.append(f"page {p} is {empty:.0f}% empty")
        if a.verbose:
            tag = "part end" if last_of_part else ("cover" if p in (1, n) else "")
            print(f"{p:4d}  {'body' if body else '----'}  {empty:5.1f}% empty  {tag}")
    share = 100.0 * bare / n
    print(
        f"{os.path.basename(a.pdf)}: {n} pages, {bare} without body text ({share:.0f}%; "
        f"{strict} without running text); "
        f"worst page {worst[1]} is {worst[0]:.0f}% empty (parts' last pages excepted; "
        f"of all pages, page {any_worst[1]}: {any_worst[0]:.0f}%)"
    )
    if share > a.max_bare:
        failures.append(f"{share:.0f}% of the pages carry no body text (at most {a.max_bare:.0f}%)")
    for f in failures:
        print("FAIL:", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
