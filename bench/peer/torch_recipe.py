#!/usr/bin/python3
"""The LRML training recipe of `lrml train` written in PyTorch: the peer the trainer is compared with.

Same network, mining, loss, optimiser and evaluation as the Java engine (lrml-spec.md sections 2-3, 7, 10);
only the random streams differ (torch's generator instead of the engine's SplitMix64), so the metrics
should agree statistically, not bit for bit.

Run with Debian's python3-torch (CPU):  /usr/bin/python3 bench/peer/torch_recipe.py --threads 2
Prints per-epoch timings and the seen-protocol metrics; --json FILE writes them.
"""
import argparse
import gzip
import json
import math
import os
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    magic = struct.unpack(">I", data[:4])[0]
    if magic == 0x803:
        n, r, c = struct.unpack(">III", data[4:16])
        return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, r, c)
    if magic == 0x801:
        n = struct.unpack(">I", data[4:8])[0]
        return np.frombuffer(data, dtype=np.uint8, offset=8).reshape(n)
    raise ValueError(f"{path}: bad IDX magic {magic:#x}")


def load(folder):
    def f(name):
        for cand in (name + ".gz", name):
            p = os.path.join(folder, cand)
            if os.path.exists(p):
                return read_idx(p)
        raise FileNotFoundError(os.path.join(folder, name))
    norm = lambda x: ((torch.from_numpy(x.astype(np.float32)) / 255.0 - 0.2860) / 0.3530).unsqueeze(1)
    return (norm(f("train-images-idx3-ubyte")), torch.from_numpy(f("train-labels-idx1-ubyte").astype(np.int64)),
            norm(f("t10k-images-idx3-ubyte")), torch.from_numpy(f("t10k-labels-idx1-ubyte").astype(np.int64)))


class GeM(nn.Module):
    def __init__(self, p=3.0, eps=1e-6):
        super().__init__()
        self.p = nn.Parameter(torch.ones(1) * p)
        self.eps = eps

    def forward(self, x):
        return x.clamp(min=self.eps).pow(self.p).mean(dim=(2, 3)).pow(1.0 / self.p)


class Net(nn.Module):
    def __init__(self, dim=64, widths=(32, 64, 128)):
        super().__init__()
        w1, w2, w3 = widths
        self.features = nn.Sequential(
            nn.Conv2d(1, w1, 3, padding=1), nn.BatchNorm2d(w1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(w1, w2, 3, padding=1), nn.BatchNorm2d(w2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(w2, w3, 3, padding=1), nn.BatchNorm2d(w3), nn.ReLU())
        self.pool = GeM()
        self.whiten = nn.Linear(w3, dim)

    def forward(self, x):
        return F.normalize(self.whiten(self.pool(self.features(x))), dim=1, eps=1e-12)


def rank_order(sn, neg_index):
    """Column order of each row's negatives: similarity descending, ties by lower database index (spec section 3).
    Two stable sorts (by index, then by similarity) instead of a Python sort per tuple, on x's device."""
    by_index = torch.sort(neg_index, dim=1, stable=True).indices
    by_sim = torch.sort(torch.gather(sn, 1, by_index), dim=1, descending=True, stable=True).indices
    return torch.gather(by_index, 1, by_sim)


def lrml_loss(x, tuples, alpha=1.2, m=0.4, T=10.0, lam=1.0, delta=0.0, mu=0.0, eps_o=0.05):
    """Spec section 3, composite form (wn and the rank order are constants in backward)."""
    q, p, n = x[tuples[:, 0]], x[tuples[:, 1]], x[tuples[:, 2:]]
    K = n.shape[1]
    dist = lambda s: torch.sqrt(torch.clamp(2 - 2 * s, min=1e-12))
    sp = (q * p).sum(1)
    sn = (q.unsqueeze(1) * n).sum(2)
    sn = torch.gather(sn, 1, rank_order(sn.detach(), tuples[:, 2:]))
    dp, dn = dist(sp), dist(sn)
    l_pos = torch.relu(dp - (alpha - m))
    a_k = alpha + delta * torch.arange(K, dtype=x.dtype, device=x.device)
    viol = (dn < a_k).to(x.dtype)
    w = torch.exp(T * (a_k - dn.detach())) * viol
    wsum = w.sum(1, keepdim=True)
    wn = torch.where(wsum > 0, w / wsum.clamp(min=1e-300), torch.zeros_like(w))
    l_neg = (wn * torch.relu(a_k - dn)).sum(1)
    l_ord = torch.relu(dn[:, :-1] - dn[:, 1:] + eps_o).sum(1) if K > 1 else torch.zeros_like(l_pos)
    return (l_pos + lam * l_neg + mu * l_ord).mean()


def make_optimizer(net, lr=1e-3, weight_decay=1e-6, gem_lr_multiplier=10.0):
    """Adam as the trainer sets it up: GeM's p at 10x the learning rate and without weight decay."""
    gem_p = [net.pool.p]
    rest = [p for n_, p in net.named_parameters() if n_ != "pool.p"]
    return torch.optim.Adam([{"params": rest, "weight_decay": weight_decay},
                             {"params": gem_p, "lr": lr * gem_lr_multiplier, "weight_decay": 0.0}], lr=lr)


def train_step(net, opt, images, tuples):
    """One step on a batch: the distinct images through the network, the loss of the tuples (rows index the images),
    backward, Adam. The parameters' .grad hold this step's gradients afterwards. Returns the loss tensor."""
    loss = lrml_loss(net(images), tuples)
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss


@torch.no_grad()
def describe(net, images, batch=1000):
    net.eval()
    return torch.cat([net(images[i:i + batch]) for i in range(0, len(images), batch)])


def mine(net, images, labels, gen, queries=2000, pool=10000, K=5, negatives="hardest", qi=None, pi=None):
    """Tuples (q, p, n_1..n_K) of training indices; qi and pi (query and pool indices) are drawn from gen unless
    given (same_draws.py passes the engine's)."""
    n = len(images)
    if qi is None:
        qi = torch.randperm(n, generator=gen)[:queries]
        pi = torch.randperm(n, generator=gen)[:pool]
    qd, pd = describe(net, images[qi]), describe(net, images[pi])
    s = qd @ pd.T
    ql, pl = labels[qi], labels[pi]
    tuples = []
    by_label = {int(c): torch.nonzero(labels == c).flatten() for c in labels.unique()}
    other = pl[None, :] != ql[:, None]
    fill = float("-inf") if negatives == "hardest" else float("inf")
    masked = torch.where(other, s, torch.tensor(fill))
    # candidates best first, ties by lower pool position; ask for more when the one-per-label walk cannot fill K
    pl_list, pi_list = pl.tolist(), pi.tolist()
    largest = negatives == "hardest"

    def walk(row):
        negs, used = [], set()
        for j in row:
            lab = pl_list[j]
            if largest and lab in used:
                continue
            used.add(lab)
            negs.append(pi_list[j])
            if len(negs) == K:
                break
        return negs

    def ranked(srow, orow, idx):
        idx = [j for j in idx if orow[j]]
        idx.sort(key=lambda j: (-srow[j] if largest else srow[j], j))
        return idx

    k0 = min(pool, 8 * K)
    cand = torch.topk(masked, k0, dim=1, largest=largest, sorted=True).indices.tolist()
    for r in range(len(qi)):
        srow, orow = s[r].tolist(), other[r].tolist()
        negs = walk(ranked(srow, orow, cand[r]))
        k = k0
        while len(negs) < K and k < pool:
            k = min(pool, k * 8)
            negs = walk(ranked(srow, orow, torch.topk(masked[r], k, largest=largest).indices.tolist()))
        if len(negs) < K:
            # fewer other labels than K: fill with the next most similar other-label images (as the engine does)
            extra = [pi_list[j] for j in ranked(srow, orow, list(range(pool))) if pi_list[j] not in negs]
            negs += extra[:K - len(negs)]
        if len(negs) < K:
            continue  # fewer than K eligible negatives: the query is skipped
        same = by_label[int(ql[r])]
        q = int(qi[r])
        while True:
            pos = int(same[torch.randint(len(same), (1,), generator=gen)])
            if pos != q:
                break
        tuples.append([q, pos] + negs)
    return torch.tensor(tuples)


def evaluate_seen(net, train_x, train_y, test_x, test_y, chunk=250):
    """Seen protocol: test images query the training images; standard AP and Recall@1 (ties: lower index)."""
    db, q = describe(net, train_x).numpy(), describe(net, test_x).numpy()
    ty, qy = train_y.numpy(), test_y.numpy()
    ranks = np.arange(1, len(db) + 1, dtype=np.float64)
    aps, r1 = [], 0
    for i in range(0, len(q), chunk):
        s = q[i:i + chunk] @ db.T
        order = np.argsort(-s, axis=1, kind="stable")
        rel = (ty[order] == qy[i:i + chunk, None])
        prec = np.cumsum(rel, axis=1) / ranks
        aps.append((prec * rel).sum(1) / rel.sum(1))
        r1 += int(rel[:, 0].sum())
    return {"mAP": float(np.concatenate(aps).mean()), "recall@1": r1 / len(q)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--negatives", default="hardest", choices=["hardest", "bottom"])
    ap.add_argument("--eval-every", type=int, default=0, help="evaluate every N epochs (0: only at the end)")
    ap.add_argument("--json")
    ap.add_argument("--descriptors-out", metavar="DIR",
                    help="save the final test (query) and train (database) descriptors and labels as .npy, so the"
                         " engine's evaluator scores both sides with the same code: ./lrml eval --query-descriptors"
                         " DIR/q.npy --db-descriptors DIR/db.npy --query-labels DIR/q_labels.npy --db-labels"
                         " DIR/db_labels.npy --out DIR/eval")
    ap.add_argument("--no-eval", action="store_true", help="skip this script's own final evaluation")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    tx, ty, vx, vy = load(a.data)
    net = Net()
    opt = make_optimizer(net)
    hist = {"epochs": [], "untrained": evaluate_seen(net, tx, ty, vx, vy) if a.eval_every else None}
    for epoch in range(a.epochs):
        t0 = time.perf_counter()
        tuples = mine(net, tx, ty, gen, negatives=a.negatives)
        t1 = time.perf_counter()
        net.train()
        perm = torch.randperm(len(tuples), generator=gen)
        losses = []
        for b in range(0, len(tuples), 25):
            batch = tuples[perm[b:b + 25]]
            uniq, inv = torch.unique(batch.flatten(), return_inverse=True)
            loss = train_step(net, opt, tx[uniq], inv.view(batch.shape))
            losses.append(loss.item())
        t2 = time.perf_counter()
        e = {"epoch": epoch + 1, "loss": sum(losses) / len(losses), "mine_s": t1 - t0, "train_s": t2 - t1,
             "images_per_s": len(tuples) * 7 / (t2 - t1), "gem_p": float(net.pool.p)}
        if a.eval_every and (epoch + 1) % a.eval_every == 0 and epoch + 1 != a.epochs:
            e.update(evaluate_seen(net, tx, ty, vx, vy))
        hist["epochs"].append(e)
        print(json.dumps(e), flush=True)
    if a.descriptors_out:
        os.makedirs(a.descriptors_out, exist_ok=True)
        np.save(os.path.join(a.descriptors_out, "q.npy"), describe(net, vx).numpy())
        np.save(os.path.join(a.descriptors_out, "db.npy"), describe(net, tx).numpy())
        np.save(os.path.join(a.descriptors_out, "q_labels.npy"), vy.numpy())
        np.save(os.path.join(a.descriptors_out, "db_labels.npy"), ty.numpy())
        print("descriptors saved in", a.descriptors_out, flush=True)
    if not a.no_eval:
        t3 = time.perf_counter()
        final = evaluate_seen(net, tx, ty, vx, vy)
        final["eval_s"] = time.perf_counter() - t3
        hist["final"] = final
        print("final seen:", json.dumps(final), flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(hist, f, indent=1)


if __name__ == "__main__":
    main()
