"""Golden loss and gradient values for `lrml lossgrad`, written independently with PyTorch autograd.

Run with the interpreter that has PyTorch 1.13 and numpy:  /usr/bin/python3 make_lossgrad_golden.py
Writes, next to this script: X.npy (N x D float64 unit rows), T.npy (M x (2+K) int64, distinct rows per
tuple, rows shared across tuples) and, for each case, <case>_loss.npy (float64 scalar) and <case>_grad.npy.
The LRML weights wn and the rank order are computed from detached values (constants of the gradient), as in
spec section 4.
"""
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
N, D, M, K = 23, 7, 17, 5
EPS = 1e-12


def distance(s):
    return torch.sqrt(torch.clamp(2 - 2 * s, min=EPS))


def parts(x, t):
    ti = torch.from_numpy(t)
    q, p, n = x[ti[:, 0]], x[ti[:, 1]], x[ti[:, 2:]]
    sp = (q * p).sum(1)
    sn = (q[:, None, :] * n).sum(2)
    return sp, sn


def lrml(x, t, alpha=1.2, m=0.4, temp=10.0, lam=1.0, delta=0.0, mu=0.0, eps_o=0.05):
    sp, sn = parts(x, t)
    dp, dn = distance(sp), distance(sn)
    # rank order: s descending, ties by lower row index of X (lexsort: last key is primary)
    order = np.lexsort((t[:, 2:], -sn.detach().numpy()), axis=-1)
    dr = torch.gather(dn, 1, torch.from_numpy(order))
    k = dr.shape[1]
    ak = alpha + delta * torch.arange(k, dtype=torch.float64)
    lpos = torch.relu(dp - (alpha - m))
    frozen = dr.detach()
    w = torch.where(frozen < ak, torch.exp(temp * (ak - frozen)), torch.zeros_like(frozen))
    total = w.sum(1, keepdim=True)
    wn = torch.where(total > 0, w / torch.where(total > 0, total, torch.ones_like(total)), torch.zeros_like(w))
    lneg = (wn * torch.relu(ak - dr)).sum(1)
    lorder = torch.relu(dr[:, :-1] - dr[:, 1:] + eps_o).sum(1)
    return (lpos + lam * lneg + mu * lorder).mean()


def contrastive(x, t, margin=0.7):
    sp, sn = parts(x, t)
    return (0.5 * distance(sp) ** 2 + (0.5 * torch.relu(margin - distance(sn)) ** 2).sum(1)).mean()


def triplet(x, t, margin=0.1):
    sp, sn = parts(x, t)
    k = t.shape[1] - 2
    return (torch.relu(distance(sp)[:, None] - distance(sn) + margin).sum(1) / k).mean()


CASES = {
    "lrml_defaults": lambda x, t: lrml(x, t),
    "lrml_delta0.1_mu0.5_eps0.2": lambda x, t: lrml(x, t, delta=0.1, mu=0.5, eps_o=0.2),
    "lrml_alpha1.0_m0.3_T5_lambda2": lambda x, t: lrml(x, t, alpha=1.0, m=0.3, temp=5.0, lam=2.0),
    "contrastive_defaults": lambda x, t: contrastive(x, t),
    "triplet_margin0.3": lambda x, t: triplet(x, t, margin=0.3),
}


def main():
    rng = np.random.default_rng(20240601)
    x = rng.standard_normal((N, D))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    t = np.stack([rng.choice(N, 2 + K, replace=False) for _ in range(M)]).astype(np.int64)
    np.save(os.path.join(HERE, "X.npy"), x)
    np.save(os.path.join(HERE, "T.npy"), t)
    for name, f in CASES.items():
        xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        loss = f(xt, t)
        loss.backward()
        np.save(os.path.join(HERE, name + "_loss.npy"), np.array(loss.item(), dtype=np.float64))
        np.save(os.path.join(HERE, name + "_grad.npy"), xt.grad.numpy())
        print(f"{name}: loss {loss.item():.17g}, |grad| {xt.grad.norm().item():.6g}")


if __name__ == "__main__":
    main()
