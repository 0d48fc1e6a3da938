#!/usr/bin/python3
"""The ONNX backend node tests of the ops with ONNX semantics in this engine, as .npy fixtures.

Reads Debian's libonnx-testdata (the node tests of ONNX 1.12: model.onnx and test_data_set_0/*.pb of each case)
with python3-onnx, and writes, next to this script, one folder per case (input_N.npy, output_N.npy) and
cases.json: for each case its op, opset and attributes; and every node test of these ops that is knowingly not
run, with the reason. OnnxNodeCasesTest runs the cases through the engine's op API.
    apt-get install libonnx-testdata python3-onnx
    /usr/bin/python3 src/test/resources/onnx-node/make_onnx_node_fixtures.py
To keep the fixtures small, the cases with a 28x28 or 32x32 input of 3 channels keep channel 0 only (pooling
treats every (n, c) plane alone, so this is the same test on a third of the data); cases.json says which.
"""
import glob
import json
import os
import re
import shutil

import numpy as np
import onnx
from onnx import numpy_helper

SOURCE = "/usr/share/libonnx-testdata/data/node"
HERE = os.path.dirname(os.path.abspath(__file__))
OPS = re.compile(r"^test_(maxpool|averagepool|globalmaxpool|globalaveragepool|softmax|logsoftmax|gather|"
                 r"convtranspose|conv)(_|$)")
BIG = 1000  # elements of an input above which a multi-channel pooling case keeps channel 0

NOT_RUN = [
    (r"_expanded$", "the same function spelled with primitive ops (ReduceMax, Exp, ...): the importer's concern"),
    (r"_3d", "3-D pooling and convolution: the engine's spatial ops are 2-D"),
    (r"^test_maxpool_2d_uint8$", "uint8 tensors: the engine holds float32 and float64 only"),
    (r"^test_gather_elements", "GatherElements is another op (per-element indices), not Gather"),
    (r"^test_gathernd", "GatherND is another op (index tuples), not Gather"),
]


def attribute_values(node):
    out = {}
    for a in node.attribute:
        v = onnx.helper.get_attribute_value(a)
        if isinstance(v, bytes):
            v = v.decode()
        elif isinstance(v, list):
            v = [int(e) for e in v]
        elif isinstance(v, (int, np.integer)):
            v = int(v)
        out[a.name] = v
    return out


def tensors(folder, kind):
    return [numpy_helper.to_array(onnx.load_tensor(f)) for f in sorted(glob.glob(folder + "/" + kind + "_*.pb"))]


def main():
    cases, not_run = [], []
    for path in sorted(glob.glob(SOURCE + "/test_*")):
        name = os.path.basename(path)
        if not OPS.match(name):
            continue
        reason = next((why for pattern, why in NOT_RUN if re.search(pattern, name)), None)
        if reason:
            not_run.append({"name": name, "reason": reason})
            continue
        model = onnx.load(path + "/model.onnx")
        node = model.graph.node[0]
        ins = tensors(path + "/test_data_set_0", "input")
        outs = tensors(path + "/test_data_set_0", "output")
        case = {"name": name, "op": node.op_type, "opset": model.opset_import[0].version,
                "attributes": attribute_values(node), "inputs": len(ins), "outputs": len(outs)}
        pooling = node.op_type in ("MaxPool", "AveragePool")
        if pooling and ins[0].ndim == 4 and ins[0].shape[1] > 1 and ins[0].size > BIG and len(outs) == 1:
            ins[0] = ins[0][:, :1]
            outs[0] = outs[0][:, :1]
            case["note"] = "channel 0 of the test's 3"
        folder = os.path.join(HERE, name)
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        for i, t in enumerate(ins):
            np.save(os.path.join(folder, "input_%d.npy" % i), np.ascontiguousarray(t))
        for i, t in enumerate(outs):
            np.save(os.path.join(folder, "output_%d.npy" % i), np.ascontiguousarray(t))
        cases.append(case)
    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump({"source": "libonnx-testdata 1.12.0 (Debian), node tests, test_data_set_0",
                   "generator": "make_onnx_node_fixtures.py", "cases": cases, "notRun": not_run}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
