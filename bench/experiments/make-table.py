#!/usr/bin/python3
"""Markdown table of the runs made by run-table.sh: metrics, time per epoch and backend of each run folder."""
import json
import os
import sys

ORDER = ["untrained", "lrml", "lrml-delta0.1", "lrml-mu1", "lrml-bottom", "contrastive", "triplet"]
LABEL = {
    "untrained": "untrained network",
    "lrml": "LRML defaults, hardest negatives",
    "lrml-delta0.1": "LRML, delta = 0.1",
    "lrml-mu1": "LRML, mu = 1",
    "lrml-bottom": "LRML defaults, bottom negatives",
    "contrastive": "contrastive, margin 0.7",
    "triplet": "triplet, margin 0.1",
}


def load(folder):
    m = os.path.join(folder, "metrics.json")
    if not os.path.exists(m):
        return None
    with open(m) as f:
        metrics = json.load(f)
    cfg, hist = {}, {}
    if os.path.exists(os.path.join(folder, "config.json")):
        with open(os.path.join(folder, "config.json")) as f:
            cfg = json.load(f)
    if os.path.exists(os.path.join(folder, "history.json")):
        with open(os.path.join(folder, "history.json")) as f:
            hist = json.load(f)
    epochs = hist.get("epochs") or []
    per_epoch = (sum(e["mine_seconds"] + e["train_seconds"] for e in epochs) / len(epochs)) if epochs else None
    backend = epochs[-1].get("backend", cfg.get("backend")) if epochs else "-"  # no epoch: nothing was trained
    return metrics, backend, per_epoch


def pct(v):
    return "-" if v is None else f"{100 * v:.1f}"


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "runs/table"
    print("| run | seen mAP | seen R@1 | unseen mAP | unseen R@1 | unseen R@8 | s/epoch (seen / unseen) | backend |")
    print("|---|---|---|---|---|---|---|---|")
    for key in ORDER:
        cells = []
        times = []
        backend = "-"
        for protocol in ("seen", "unseen"):
            r = load(os.path.join(out, f"{protocol}-{key}"))
            if r is None:
                cells += ["-", "-"] + (["-"] if protocol == "unseen" else [])
                times.append("-")
                continue
            metrics, run_backend, per_epoch = r
            cells += [pct(metrics.get("mAP")), pct(metrics.get("recall@1"))]
            if protocol == "unseen":
                cells.append(pct(metrics.get("recall@8")))
            times.append("-" if per_epoch is None else f"{per_epoch:.1f}")
            backend = run_backend or backend
        print(f"| {LABEL[key]} | " + " | ".join(cells) + f" | {' / '.join(times)} | {backend} |")


if __name__ == "__main__":
    main()
