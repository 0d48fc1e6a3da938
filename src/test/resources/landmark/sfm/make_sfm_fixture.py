#!/usr/bin/python3
"""A miniature of cirtorch's retrieval-SfM-120k-whiten.pkl (standard library only; the output is committed):
a dict with 'cids' (image ids; an image lies at ims/<cid[-2:]>/<cid[-4:-2]>/<cid[-6:-4]>/<cid>, no extension),
'qidxs' and 'pidxs' (matching query and positive indices into cids), pickled with protocol 2 as cirtorch's
Python 2 era files are.
"""
import os
import pickle

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    cids = ["a1b2c3d4e5f60718", "0f1e2d3c4b5a6978", "1122334455667788", "99aabbccddeeff00"]
    data = {"cids": cids, "qidxs": [0, 2, 3], "pidxs": [1, 3, 0]}
    with open(os.path.join(HERE, "retrieval-SfM-120k-whiten.pkl"), "wb") as f:
        pickle.dump(data, f, protocol=2)
    print("wrote", HERE)


if __name__ == "__main__":
    main()
