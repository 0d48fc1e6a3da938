"""Writes the .npy fixtures MappedNpyTest reads (run here with /usr/bin/python3; numpy 1.24).

half_values.npy: float16 values that exercise every class of the half format (zeros, subnormals, the smallest and
largest normals, infinities, NaN, rounding); half_as_float32.npy: the same values widened by numpy, which the
reader must reproduce bit for bit; half_big_endian.npy: the same in '>f2'; from_float32.npy/to_half.npy: floats
and numpy's rounding of them to float16 (ties to even, overflow to infinity, underflow to zero and subnormals).
"""
import numpy as np

special = np.array([0.0, -0.0, 2.0 ** -24, -(2.0 ** -24), 2.0 ** -14 - 2.0 ** -24, 2.0 ** -14, 1.0, -1.5,
                    0.333251953125, 65504.0, -65504.0, np.inf, -np.inf, np.nan, 1024.5, 3.140625],
                   dtype=np.float64)
rng = np.random.default_rng(0)
rand = rng.standard_normal(48) * np.array([1e-6, 1e-3, 1.0, 100.0]).repeat(12)
half = np.concatenate([special, rand]).astype("<f2").reshape(8, 8)
np.save("half_values.npy", half)
np.save("half_as_float32.npy", half.astype("<f4"))
np.save("half_big_endian.npy", half.astype(">f2"))

floats = np.concatenate([
    rng.standard_normal(200) * 10.0 ** rng.integers(-9, 6, 200),
    np.array([65519.0, 65520.0, 70000.0, 2.0 ** -25, 2.0 ** -25 * 1.0001, 2.0 ** -26, 1.0 + 2.0 ** -11,
              1.0 + 3 * 2.0 ** -11, 2.0 ** -14 * (1 - 2.0 ** -11), np.inf, -np.inf])]).astype("<f4")
np.save("from_float32.npy", floats)
with np.errstate(over="ignore"):
    np.save("to_half.npy", floats.astype("<f2").view("<i2").astype("<i4"))

np.save("labels_i4.npy", np.array([3, -1, 7, 3, 0], dtype="<i4"))
np.save("labels_i8_big.npy", np.array([3, -1, 7, 3, 1 << 40], dtype=">i8"))
