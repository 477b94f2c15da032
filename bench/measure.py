#!/usr/bin/env python3
"""Measures what hyperfine cannot: watch-mode latency, peak memory, and scaling.

usage: bench/measure.py VLR_BINARY RESULTS_DIR   (run from the repository root)
Writes RESULTS_DIR/measure.md.
"""
import os, resource, shutil, statistics, subprocess, sys, tempfile, time

vlr, results = os.path.abspath(sys.argv[1]), sys.argv[2]
lines = []

def peak_rss_of(cmd, cwd=None):
    """Runs cmd; returns (seconds, peak RSS in MB) of that child alone."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/env", "python3", "-c",
        "import resource,subprocess,sys; r=subprocess.run(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)"] + cmd,
        cwd=cwd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr}")
    return dt, int(p.stdout.strip().splitlines()[-1]) / 1024

# (c) watch: from a one-paragraph edit to the rewritten PDF.
work = tempfile.mkdtemp()
proj = os.path.join(work, "p")
for sub in ("templates", "data", "text", "images"):
    if os.path.isdir(sub):
        shutil.copytree(sub, os.path.join(proj, sub))
shutil.copy("vlr.toml", proj)
# Hard links: vlr reads nothing outside the project, a symlink would be skipped.
shutil.copytree("fonts", os.path.join(proj, "fonts"), copy_function=os.link)
pdf = os.path.join(proj, "dist", "yiwu-vlr-2020.en.pdf")
watch = subprocess.Popen([vlr, "watch", "--lang", "en", "-q"], cwd=proj, stderr=subprocess.DEVNULL)
deadline = time.time() + 120
while not os.path.exists(pdf) and time.time() < deadline:
    time.sleep(0.05)
time.sleep(1.0)
target = os.path.join(proj, "text", "en", "preface.toml")
original = open(target, encoding="utf-8").read()
latencies = []
for i in range(20):
    before = os.stat(pdf).st_mtime_ns
    text = original.replace("In September 2015", f"In September 2015 (edit {i})", 1)
    t0 = time.perf_counter()
    with open(target, "w", encoding="utf-8") as f:
        f.write(text)
    while os.stat(pdf).st_mtime_ns == before:
        if time.perf_counter() - t0 > 10:
            sys.exit("watch did not rebuild within 10 s")
        time.sleep(0.001)
    latencies.append((time.perf_counter() - t0) * 1000)
    time.sleep(0.3)
watch.terminate()
watch.wait()
# Put the text back: an edited English text leaves its translations stale,
# and a release build refuses stale text.
with open(target, "w", encoding="utf-8") as f:
    f.write(original)
lines.append(f"| (c) watch: one-paragraph edit → rewritten PDF (en, 20 edits) | median {statistics.median(latencies):.0f} ms (min {min(latencies):.0f}, max {max(latencies):.0f}) | ≤ 100 ms |")

# (d) peak memory of a build of all editions.
dt, rss = peak_rss_of([vlr, "build", "-q", "--root", proj, "-o", os.path.join(work, "d")])
lines.append(f"| (d) peak resident memory, all editions | {rss:.0f} MB | ≤ 400 MB |")

# (e) scaling: 1×, 2×, 4×, 8× the content.
scale = []
for k in (1, 2, 4, 8):
    out = os.path.join(work, f"s{k}")
    subprocess.run(["python3", "bench/synth.py", str(k), out], check=True)
    runs = [peak_rss_of([vlr, "build", "-q", "--root", out]) for _ in range(3)]
    t = statistics.median(r[0] for r in runs)
    m = max(r[1] for r in runs)
    info = subprocess.run(["pdfinfo", f"{out}/dist/yiwu-vlr-2020.en.pdf"], capture_output=True, text=True).stdout
    pages = next((l.split()[-1] for l in info.splitlines() if l.startswith("Pages:")), "?")
    scale.append((k, t, m, pages))
base = scale[0][1]
for k, t, m, pages in scale:
    lines.append(f"| (e) {k}× content ({pages} en pages, all editions) | {t:.2f} s ({t / base:.1f}× the 1× time), {m:.0f} MB | 8× in ≤ 9× the time |")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(results, exist_ok=True)
open(os.path.join(results, "measure.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
