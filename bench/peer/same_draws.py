#!/usr/bin/env python3
"""Train the recipe of torch_recipe.py in PyTorch on the random draws of an engine run, to tell the computation
apart from the luck of the draws.

    ./lrml train --seed 0 --eval-every 0 --draws-out D --out R      # the engine's run, writing its draws to D
    /usr/bin/python3 bench/peer/same_draws.py D                     # PyTorch: the engine's init weights and draws
    /usr/bin/python3 bench/peer/same_draws.py D --init torch        # PyTorch's own init (torch.manual_seed), our draws
    /usr/bin/python3 bench/peer/same_draws.py D --draws torch       # our init weights, PyTorch's own draws (--seed)

With both from the engine, the two sides differ only by float rounding: per-epoch losses agree to about 5 digits
in the first epoch, and the final mAP within the epoch-to-epoch spread. D holds init.ckpt (the engine's checkpoint
format: a zip of .npy entries under model/) and, per epoch E, queries-E.npy, pool-E.npy, tuples-E.npy (the mined
tuples; their positives are the engine's random draws, the negatives are mined again here by PyTorch's network)
and order-E.npy. The seen protocol only (the draws index the full training set).
"""
import argparse
import io
import json
import os
import sys
import zipfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_recipe as t  # noqa: E402

# engine layer names -> the indices of torch_recipe.Net's Sequential
LAYERS = {"conv1": "0", "bn1": "1", "conv2": "4", "bn2": "5", "conv3": "8", "bn3": "9"}


def torch_name(engine_name):
    parts = engine_name.split(".")
    if parts[0] == "features":
        parts[1] = LAYERS[parts[1]]
    return ".".join(parts)


def load_engine_weights(net, checkpoint):
    with zipfile.ZipFile(checkpoint) as z:
        meta = json.loads(z.read("meta.json"))
        arrays = {n[len("model/"):-len(".npy")]: np.load(io.BytesIO(z.read(n)))
                  for n in z.namelist() if n.startswith("model/") and n.endswith(".npy")}
    state = net.state_dict()
    for name, value in arrays.items():
        key = torch_name(name)
        if key not in state:
            raise SystemExit(f"{checkpoint}: {name} has no counterpart {key} in the PyTorch network")
        if key.endswith("num_batches_tracked"):
            value = np.array(int(value.reshape(-1)[0]))
        state[key] = torch.from_numpy(np.array(value)).to(state[key].dtype).reshape(state[key].shape)
    net.load_state_dict(state)
    return meta


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("draws", help="the folder written by lrml train --draws-out")
    ap.add_argument("--init", choices=["engine", "torch"], default="engine",
                    help="initial weights: the engine's (init.ckpt) or PyTorch's default from torch.manual_seed(--seed)")
    ap.add_argument("--draws", dest="draw_source", choices=["engine", "torch"], default="engine",
                    help="queries, pool, positives, batch order: the engine's or PyTorch's own from --seed")
    ap.add_argument("--seed", type=int, default=0, help="seed of PyTorch's own init or draws (default 0)")
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", help="write the per-epoch records and the final metrics here")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    net = t.Net()
    meta = load_engine_weights(net, os.path.join(a.draws, "init.ckpt")) if a.init == "engine" else None
    if meta is not None and meta.get("config", {}).get("protocol", "seen") != "seen":
        raise SystemExit("same_draws.py replays seen-protocol runs only")
    epochs = len([f for f in os.listdir(a.draws) if f.startswith("order-")])
    if epochs == 0:
        raise SystemExit(f"{a.draws}: no order-E.npy files; was it written by lrml train --draws-out?")
    tx, ty, vx, vy = t.load(a.data)
    opt = t.make_optimizer(net)
    gen = torch.Generator().manual_seed(a.seed)
    hist = {"init": a.init, "draws": a.draw_source, "seed": a.seed, "epochs": []}
    for epoch in range(1, epochs + 1):
        if a.draw_source == "engine":
            load = lambda name: torch.from_numpy(np.load(os.path.join(a.draws, f"{name}-{epoch:03d}.npy")))
            ours = load("tuples")
            tuples = t.mine(net, tx, ty, torch.Generator().manual_seed(0), qi=load("queries"), pi=load("pool"))
            if tuples.shape != ours.shape or not torch.equal(tuples[:, 0], ours[:, 0]):
                raise SystemExit(f"epoch {epoch}: the queries kept differ from the engine's ({len(tuples)} against"
                                 f" {len(ours)} tuples)")
            tuples[:, 1] = ours[:, 1]
            order = load("order")
        else:
            tuples = t.mine(net, tx, ty, gen)
            order = torch.randperm(len(tuples), generator=gen)
        net.train()
        losses = []
        for b in range(0, len(tuples), 25):
            batch = tuples[order[b:b + 25]]
            uniq, inv = torch.unique(batch.flatten(), return_inverse=True)
            losses.append(t.train_step(net, opt, tx[uniq], inv.view(batch.shape)).item())
        e = {"epoch": epoch, "loss": sum(losses) / len(losses), "gem_p": float(net.pool.p)}
        hist["epochs"].append(e)
        print(json.dumps(e), flush=True)
    hist["final"] = t.evaluate_seen(net, tx, ty, vx, vy)
    print("final seen:", json.dumps(hist["final"]), flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(hist, f, indent=1)


if __name__ == "__main__":
    main()
