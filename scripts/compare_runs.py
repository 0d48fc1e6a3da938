#!/usr/bin/env python3
"""Compares two lrml run folders number for number: config.json, metrics.json, history.json (every step's loss),
every checkpoint's tensors (byte for byte) and meta.json, values and key order; timing fields are ignored.
Exit status 1 on any difference. For refactors that must not change results on the CPU backend:

    scripts/compare_runs.py runs/before runs/after
    scripts/compare_runs.py --allow-added-keys runs/before runs/after

--allow-added-keys: a JSON object of the second run may have keys the first lacks (new diagnostics, e.g. the
per-epoch "gradients" record); they are listed and left out, and everything the two share must still be equal in
value and order.
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

ADDED = []

def drop_added(a, b, path=""):
    """b without the keys a lacks (recorded in ADDED), at every depth."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = {}
        for k, v in b.items():
            if k in a:
                out[k] = drop_added(a[k], v, f"{path}.{k}")
            elif f"{path}.{k}" not in ADDED:
                ADDED.append(f"{path}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [drop_added(x, y, f"{path}[]") for x, y in zip(a, b)]
    return b

ALLOW_ADDED = False

def same(ja, jb):
    if ALLOW_ADDED:
        jb = drop_added(ja, jb)
    return json.dumps(strip(ja)) == json.dumps(strip(jb))

def load(p):
    return json.loads(Path(p).read_text())

def main(a, b):
    a, b = Path(a), Path(b)
    bad = []
    for name in ["config.json", "metrics.json", "history.json"]:
        ja, jb = load(a / name), load(b / name)
        # values and key order (the JSON form must stay the same), at every depth
        if not same(ja, jb):
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
                if not same(ma, mb):
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
    if ADDED:
        print("keys only in the second run (left out):", sorted(set(k.replace("[]", "") for k in ADDED)))
    if bad:
        print(f"DIFFERENT ({len(bad)}):", bad[:20])
        return 1
    print("IDENTICAL (timing fields aside)")
    return 0

if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--allow-added-keys":
        ALLOW_ADDED = True
        args = args[1:]
    sys.exit(main(args[0], args[1]))
