"""The last table of run.sh: native test counts, then each CUDA benchmark (results/jmh-<family>.json, one per JMH
family) with the PyTorch peer's time."""
import glob
import json
import os
import re
import sys

FLOPS = {  # per call, for TFLOP/s
    **{f"GemmCudaBench.sgemm[n={n}]": 2.0 * n ** 3 for n in (512, 2048, 4096)},
    **{f"ConvCudaBench.{p}": 2.0 * 64 * 64 * 28 * 28 * 32 * 9 for p in ("forward", "backwardData", "backwardFilter")},
    **{f"SimilarityCudaBench.{p}[d={d}]": 2.0 * 2000 * 10000 * d
       for p in ("similarity", "sgemmNT", "fusedTop10", "blockedTop10", "blockedTop100") for d in (64, 2048)},
}
BYTES = {  # per call, for GB/s: scores read once
    **{f"TopKCudaBench.topK[cols={c},k={k}]": 4.0e8 for c in (100000, 1000000) for k in (5, 100)},
}


def base(k):
    """The key without its provider parameter: the PyTorch peer and the FLOP counts are the same for every provider."""
    name, _, params = k.partition("[")
    kept = [p for p in params.rstrip("]").split(",") if p and not p.startswith("provider=")]
    return name + ("[" + ",".join(kept) + "]" if kept else "")


def key(entry):
    name = entry["benchmark"].replace("org.lrml.bench.cuda.", "")
    params = entry.get("params") or {}
    if params:
        name += "[" + ",".join(f"{k}={v}" for k, v in sorted(params.items())) + "]"
    return name


def load_jmh(path):
    """Scores of one family's JSON; where JMH was stopped before writing it, the results its log printed so far."""
    try:
        with open(path) as f:
            return {key(e): e["primaryMetric"]["score"] for e in json.load(f)}
    except (OSError, ValueError, KeyError):
        return load_jmh_log(path[:-len(".json")] + ".log")


def load_jmh_log(path):
    if not os.path.exists(path):
        return {}
    out = {}
    params = {}
    with open(path) as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"# Parameters: \((.*)\)", line)
        if m:
            params = dict(p.split(" = ", 1) for p in m.group(1).split(", ") if " = " in p)
        m = re.match(r'Result "([^"]+)":', line)
        if m and i + 1 < len(lines):
            score = re.match(r"\s*([0-9.eE+-]+)", lines[i + 1])
            if score:
                out[key({"benchmark": m.group(1), "params": params})] = float(score.group(1))
    return out


def main(results):
    log = os.path.join(results, "native-tests.log")
    if os.path.exists(log):
        with open(log) as f:
            text = f.read()
        for kind in ("containers", "tests"):
            counts = re.findall(r"\[\s*(\d+) " + kind + r" (successful|failed|aborted|skipped)\s*]", text)
            if counts:
                print(f"native {kind}: " + ", ".join(f"{n} {w}" for n, w in counts))
        if "tests successful" not in text:
            print("native tests: no summary (see native-tests.log)")
    lrml = {}
    for path in sorted(glob.glob(os.path.join(results, "jmh-*.log"))):
        lrml.update(load_jmh(path[:-len(".log")] + ".json"))
    torch = {}
    tp = os.path.join(results, "torch.json")
    if os.path.exists(tp):
        with open(tp) as f:
            t = json.load(f)
        torch = t["us"]
        print(f"peer: torch {t['torch']} on {t['device']}")
    if not lrml:
        print("no benchmark results (see the jmh-*.log files)")
        return
    print(f"{'benchmark':58} {'lrml us':>10} {'torch us':>10} {'lrml/torch':>10} {'lrml TFLOP/s':>12} {'lrml GB/s':>10}")
    for k in sorted(lrml):
        us = lrml[k]
        peer = torch.get(base(k))
        ratio = f"{us / peer:10.2f}" if peer else f"{'-':>10}"
        fl = FLOPS.get(base(k))
        tf = f"{fl / us / 1e6:12.2f}" if fl else f"{'':>12}"
        by = BYTES.get(k)
        gb = f"{by / us / 1e3:10.1f}" if by else f"{'':>10}"
        peer_s = f"{peer:10.1f}" if peer else f"{'-':>10}"
        print(f"{k:58} {us:10.1f} {peer_s} {ratio} {tf} {gb}")


if __name__ == "__main__":
    main(sys.argv[1])
