#!/usr/bin/env python3
"""Makes a synthetic project with K times the bundled content (chapters,
tables, charts): every chapter's text is copied K times under new ids, and
every chart is copied with a new id, so each copy draws its own charts.

usage: bench/synth.py K OUT_DIR   (run from the repository root)
"""
import os, re, shutil, sys

k, out = int(sys.argv[1]), sys.argv[2]
shutil.rmtree(out, ignore_errors=True)
for sub in ("templates", "data", "images"):
    if os.path.isdir(sub):
        shutil.copytree(sub, os.path.join(out, sub))
# Hard links: vlr reads nothing outside the project, a symlink would be skipped.
shutil.copytree("fonts", os.path.join(out, "fonts"), copy_function=os.link)

project = open("vlr.toml", encoding="utf-8").read()
head, _, chapters = project.partition("[[chapter]]")
# The chapters run up to the first table that is not one ([units.…] and
# the like): that rest is kept once, after the copies.
m = re.search(r"^\[(?!\[chapter\]\])", chapters, re.M)
chapters, rest = (chapters[: m.start()], chapters[m.start():]) if m else (chapters, "")
chapter_blocks = ["[[chapter]]" + c for c in chapters.split("[[chapter]]")]
charts = []
for f in os.listdir("data"):
    charts += re.findall(r'^\[\[chart\]\]\s*\nid = "([^"]+)"', open(os.path.join("data", f), encoding="utf-8").read(), re.M)

def suffix_charts(text, n):
    for c in charts:
        text = text.replace(f'figure = "{c}"', f'figure = "{c}-k{n}"').replace(f"[charts.{c}]", f"[charts.{c}-k{n}]")
    return text

blocks = []
for n in range(1, k + 1):
    for b in chapter_blocks:
        blocks.append(b if n == 1 else re.sub(r'id = "([^"]+)"', lambda m: f'id = "{m.group(1)}-k{n}"', b, count=1))
    if n > 1:
        for f in os.listdir("data"):
            src = open(os.path.join("data", f), encoding="utf-8").read()
            # Only the charts are copied: they reuse the indicators.
            copies = re.findall(r'(^\[\[chart\]\][\s\S]*?)(?=^\[\[|\Z)', src, re.M)
            copies = [re.sub(r'^id = "([^"]+)"', lambda m: f'id = "{m.group(1)}-k{n}"', c, count=1, flags=re.M) for c in copies]
            if copies:
                open(os.path.join(out, "data", f"{f[:-5]}-k{n}.toml"), "w", encoding="utf-8").write("\n".join(copies))
open(os.path.join(out, "vlr.toml"), "w", encoding="utf-8").write(head + "".join(blocks) + rest)

for lang in os.listdir("text"):
    os.makedirs(os.path.join(out, "text", lang))
    for f in os.listdir(os.path.join("text", lang)):
        src = open(os.path.join("text", lang, f), encoding="utf-8").read()
        open(os.path.join(out, "text", lang, f), "w", encoding="utf-8").write(src)
        if f == "meta.toml":
            continue
        for n in range(2, k + 1):
            text = suffix_charts(src, n)
            # Labels are shared; only the first copy keeps them.
            text = re.sub(r'^\[labels\][\s\S]*?(?=^\[|\Z)', "", text, flags=re.M)
            open(os.path.join(out, "text", lang, f"{f[:-5]}-k{n}.toml"), "w", encoding="utf-8").write(text)
