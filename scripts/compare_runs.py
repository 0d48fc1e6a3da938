#!/usr/bin/env python3
"""Compares two lrml run folders number for number: config.json, metrics.json, history.json (every step's loss),
every checkpoint's tensors (byte for byte) and meta.json, values and key order; timing fields are ignored.
Exit status 1 on any difference. For refactors that must not change results on the CPU backend:

    scripts/compare_runs.py runs/before runs/after
"""
import json, sys, zipfile, hashlib
from pathlib import Path

TIMING = {"seconds", "mine_seconds", "train_seconds", "images_per_second", "eval_seconds"}

def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if k not in TIMING}
    if isinstance(o, list):
        return [strip(v) for v in o]
    return o

def load(p):
    return json.loads(Path(p).read_text())

def main(a, b):
    a, b = Path(a), Path(b)
    bad = []
    for name in ["config.json", "metrics.json", "history.json"]:
        ja, jb = load(a / name), load(b / name)
        # values and key order (the JSON form must stay the same), at every depth
        if json.dumps(strip(ja)) != json.dumps(strip(jb)):
            bad.append(name)
    ha = load(a / "history.json")
    print(f"history: {len(ha['step_losses'])} step losses, {len(ha['epochs'])} epochs;"
          f" epoch keys {list(ha['epochs'][0].keys())}")
    cka = sorted((a / "checkpoints").glob("*.ckpt"))
    ckb = sorted((b / "checkpoints").glob("*.ckpt"))
    if [p.name for p in cka] != [p.name for p in ckb]:
        bad.append(f"checkpoint files {[p.name for p in cka]} vs {[p.name for p in ckb]}")
    tensors = 0
    for pa, pb in zip(cka, ckb):
        za, zb = zipfile.ZipFile(pa), zipfile.ZipFile(pb)
        na, nb = za.namelist(), zb.namelist()
        if na != nb:
            bad.append(f"{pa.name}: entries differ")
            continue
        for n in na:
            da, db = za.read(n), zb.read(n)
            if n == "meta.json":
                ma, mb = json.loads(da), json.loads(db)
                if json.dumps(strip(ma)) != json.dumps(strip(mb)):
                    bad.append(f"{pa.name}:{n}")
            else:
                tensors += 1
                if da != db:
                    bad.append(f"{pa.name}:{n}")
    print(f"checkpoints: {len(cka)} files, {tensors} tensors compared byte for byte")
    for png in ["curves.png", "gallery.png"]:
        ha_, hb_ = (hashlib.sha256((d / png).read_bytes()).hexdigest() for d in (a, b))
        print(f"{png}: {'identical bytes' if ha_ == hb_ else 'differ (not required)'}")
    ma = load(a / "metrics.json")
    print(f"metrics: mAP {ma['mAP']!r} R@1 {ma['recall@1']!r}")
    if bad:
        print(f"DIFFERENT ({len(bad)}):", bad[:20])
        return 1
    print("IDENTICAL (timing fields aside)")
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
