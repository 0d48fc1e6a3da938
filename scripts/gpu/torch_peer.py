"""PyTorch peer timings for the CUDA benchmarks (run by run.sh on the GPU machine).

Each entry times the same work as the JMH benchmark of the same key, the same way: one call followed by
torch.cuda.synchronize(), averaged over at least 0.3 s. TF32 is off so matrix products are full float32, as ours.
Writes {key: microseconds} as JSON to the path given. A second argument "cpu" runs the same calls on the CPU with
short timings, to check the script on a machine without a GPU.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
dev = torch.device(sys.argv[2] if len(sys.argv) > 2 else "cuda")
g = torch.Generator(device=dev).manual_seed(0)
MIN_TIME = 0.3 if dev.type == "cuda" else 0.01


def sync():
    if dev.type == "cuda":
        torch.cuda.synchronize()


def randn(*shape):
    return torch.randn(*shape, device=dev, generator=g)


def timed(fn, sync_each=True):
    for _ in range(3):
        fn()
    sync()
    n = 0
    t0 = time.perf_counter()
    while True:
        fn()
        if sync_each:
            sync()
        n += 1
        if time.perf_counter() - t0 >= MIN_TIME:
            break
    sync()
    return (time.perf_counter() - t0) / n * 1e6


def host(ranked):
    """Values and indices to the host, as the engine's rank calls return them (the copy synchronises)."""
    return ranked.values.cpu(), ranked.indices.cpu()


def lrml_step(x, t, delta, mu, alpha=1.2, margin=0.4, temperature=10.0, lam=1.0, order_eps=0.05):
    """LRML forward + backward (spec section 3) with autograd; wn and the rank order are constants, as ours."""
    x.grad = None
    q, p, n = x[t[:, 0]], x[t[:, 1]], x[t[:, 2:]]
    sp = (q * p).sum(1)
    sn = (q.unsqueeze(1) * n).sum(2)
    dist = lambda s: torch.sqrt(torch.clamp(2 - 2 * s, min=1e-12))
    dp = dist(sp)
    order = torch.sort(sn.detach(), dim=1, descending=True, stable=True).indices
    dn = torch.gather(dist(sn), 1, order)
    a = alpha + delta * torch.arange(dn.shape[1], device=x.device, dtype=x.dtype)
    gap = (a - dn).detach()
    z = temperature * gap
    w = torch.exp(z - z.max(1, keepdim=True).values) * (gap > 0)
    wn = w / w.sum(1, keepdim=True).clamp_min(torch.finfo(x.dtype).tiny)
    loss = torch.relu(dp - (alpha - margin)) + lam * (wn * torch.relu(a - dn)).sum(1)
    if mu:
        loss = loss + mu * torch.relu(dn[:, :-1] - dn[:, 1:] + order_eps).sum(1)
    loss = loss.mean()
    loss.backward()
    return loss.item()


def lrml_core(r):
    """SimilarityCudaBench, TopKCudaBench, TupleLossCudaBench: the same shapes; ranked results come to the host."""
    for d in (64, 2048):
        q, gp, s = randn(2000, d), randn(10000, d), torch.empty(2000, 10000, device=dev)
        r[f"SimilarityCudaBench.similarity[d={d}]"] = timed(lambda: torch.mm(q, gp.t(), out=s))
        r[f"SimilarityCudaBench.sgemmNT[d={d}]"] = r[f"SimilarityCudaBench.similarity[d={d}]"]
        r[f"SimilarityCudaBench.fusedTop10[d={d}]"] = timed(lambda: host(torch.topk(q @ gp.t(), 10, dim=1)))
        r[f"SimilarityCudaBench.blockedTop10[d={d}]"] = r[f"SimilarityCudaBench.fusedTop10[d={d}]"]
        r[f"SimilarityCudaBench.blockedTop100[d={d}]"] = timed(lambda: host(torch.topk(q @ gp.t(), 100, dim=1)))
        del q, gp, s
    for cols in (100000, 1000000):
        xs = randn(100_000_000 // cols, cols)
        for k in (5, 100):
            r[f"TopKCudaBench.topK[cols={cols},k={k}]"] = timed(lambda: host(torch.topk(xs, k, dim=1)))
        del xs
    rows, m, k = 16384, 4096, 5
    t = torch.stack([torch.randperm(rows, device=dev, generator=g)[:2 + k] for _ in range(m)])
    for d in (64, 2048):
        x = F.normalize(randn(rows, d), dim=1).requires_grad_()
        for params, delta, mu in (("defaults", 0.0, 0.0), ("delta0.1-mu0.5", 0.1, 0.5)):
            us = timed(lambda: lrml_step(x, t, delta, mu))
            r[f"TupleLossCudaBench.fused[d={d},params={params}]"] = us
            r[f"TupleLossCudaBench.composite[d={d},params={params}]"] = us


def main(path):
    r = {}
    one = torch.zeros(1, device=dev)
    r["LaunchCostCudaBench.launchAndSynchronize"] = timed(lambda: one.fill_(1.0))
    r["LaunchCostCudaBench.synchronizeIdle"] = timed(lambda: None)
    r["LaunchCostCudaBench.launchOnly"] = timed(lambda: one.fill_(2.0), sync_each=False)
    for n in (1048576, 16777216):
        a, b, out = randn(n), randn(n), torch.empty(n, device=dev)
        r[f"ElementwiseCudaBench.add[n={n}]"] = timed(lambda: torch.add(a, b, out=out))
        r[f"ElementwiseCudaBench.exp[n={n}]"] = timed(lambda: torch.exp(a, out=out))
    x = randn(4096, 1024)
    r["ReduceCudaBench.sumLastAxis[cols=1024,rows=4096]"] = timed(lambda: x.sum(dim=1))
    r["ReduceCudaBench.sumFirstAxis[cols=1024,rows=4096]"] = timed(lambda: x.sum(dim=0))
    rows, cols = 2048, 512
    xl, yl = randn(rows, cols), torch.empty(rows, cols, device=dev)
    idx = torch.randperm(rows, device=dev, generator=g)
    idx[::2] %= 64
    r[f"LayoutCudaBench.transpose[cols={cols},rows={rows}]"] = timed(lambda: yl.view(cols, rows).copy_(xl.t()))
    r[f"LayoutCudaBench.gatherRows[cols={cols},rows={rows}]"] = timed(lambda: torch.index_select(xl, 0, idx, out=yl))
    r[f"LayoutCudaBench.scatterAddRows[cols={cols},rows={rows}]"] = timed(lambda: yl.index_add_(0, idx, xl))
    for n in (512, 2048, 4096):
        a, b, c = randn(n, n), randn(n, n), torch.empty(n, n, device=dev)
        r[f"GemmCudaBench.sgemm[n={n}]"] = timed(lambda: torch.mm(a, b, out=c))
    xc, wc, dy = randn(64, 32, 28, 28), randn(64, 32, 3, 3), randn(64, 64, 28, 28)
    r["ConvCudaBench.forward"] = timed(lambda: F.conv2d(xc, wc, padding=1))
    r["ConvCudaBench.backwardData"] = timed(lambda: torch.nn.grad.conv2d_input(xc.shape, wc, dy, padding=1))
    r["ConvCudaBench.backwardFilter"] = timed(lambda: torch.nn.grad.conv2d_weight(xc, wc.shape, dy, padding=1))
    xp = randn(64, 64, 28, 28)
    yp, ip = F.max_pool2d(xp, 2, return_indices=True)
    r["PoolCudaBench.maxForward"] = timed(lambda: F.max_pool2d(xp, 2))
    r["PoolCudaBench.maxBackward"] = timed(lambda: torch.ops.aten.max_pool2d_with_indices_backward(
        yp, xp, [2, 2], [2, 2], [0, 0], [1, 1], False, ip))
    xb, dyb = randn(64, 64, 28, 28), randn(64, 64, 28, 28)
    mean, invstd, gamma = randn(64), torch.rand(64, device=dev) + 0.5, torch.rand(64, device=dev) + 0.5
    r["BatchnormCudaBench.stats"] = timed(lambda: torch.var_mean(xb, dim=(0, 2, 3), unbiased=False))
    r["BatchnormCudaBench.backwardInput"] = timed(lambda: torch.ops.aten.native_batch_norm_backward(
        dyb, xb, gamma, None, None, mean, invstd, True, 1e-5, [True, False, False]))
    xs = randn(4096, 1000)
    r["SoftmaxCudaBench.softmax"] = timed(lambda: torch.softmax(xs, dim=1))
    m = torch.empty(1 << 24, device=dev)
    r["DropoutCudaBench.mask"] = timed(lambda: m.bernoulli_(0.5, generator=g))
    params = [torch.nn.Parameter(randn(1024 << (i % 13))) for i in range(20)]
    for p in params:
        p.grad = torch.randn_like(p)
    try:
        opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=1e-4, fused=True)
    except (TypeError, RuntimeError):
        opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=1e-4, foreach=True)
    r["OptimCudaBench.adam"] = timed(opt.step)
    lrml_core(r)
    name = torch.cuda.get_device_name() if dev.type == "cuda" else "cpu"
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "device": name, "us": r}, f, indent=1)
    print(f"torch {torch.__version__} on {name}: {len(r)} timings in {path}")


if __name__ == "__main__":
    main(sys.argv[1])
