"""The last table of run.sh: native test counts, then each CUDA benchmark with the PyTorch peer's time."""
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
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return {key(e): e["primaryMetric"]["score"] for e in json.load(f)}


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
    lrml = load_jmh(os.path.join(results, "jmh.json"))
    lrml.update(load_jmh(os.path.join(results, "jmh-lrml.json")))
    lrml.update(load_jmh(os.path.join(results, "jmh-more.json")))
    for k, v in load_jmh(os.path.join(results, "jmh-sgemm-v1.json")).items():
        lrml[k.replace("sgemm[", "sgemm_v1[")] = v
    torch = {}
    tp = os.path.join(results, "torch.json")
    if os.path.exists(tp):
        with open(tp) as f:
            t = json.load(f)
        torch = t["us"]
        print(f"peer: torch {t['torch']} on {t['device']}")
    if not lrml:
        print("no benchmark results (see benchmarks.log)")
        return
    print(f"{'benchmark':58} {'lrml us':>10} {'torch us':>10} {'lrml/torch':>10} {'lrml TFLOP/s':>12} {'lrml GB/s':>10}")
    for k in sorted(lrml):
        us = lrml[k]
        peer = torch.get(base(k.replace("sgemm_v1[", "sgemm[")))
        ratio = f"{us / peer:10.2f}" if peer else f"{'-':>10}"
        fl = FLOPS.get(base(k.replace("sgemm_v1[", "sgemm[")))
        tf = f"{fl / us / 1e6:12.2f}" if fl else f"{'':>12}"
        by = BYTES.get(k)
        gb = f"{by / us / 1e3:10.1f}" if by else f"{'':>10}"
        peer_s = f"{peer:10.1f}" if peer else f"{'-':>10}"
        print(f"{k:58} {us:10.1f} {peer_s} {ratio} {tf} {gb}")


if __name__ == "__main__":
    main(sys.argv[1])
