"""Writes the tiny .npy fixtures NpyTest reads (run with /usr/bin/python3; numpy 1.24)."""
import numpy as np

np.save("f32_2x3.npy", np.arange(6, dtype="<f4").reshape(2, 3) / 4)
np.save("f64_big_endian.npy", (np.arange(5, dtype=">f8") - 2.5))
np.save("i64_col.npy", np.array([[3], [-1], [2 ** 40]], dtype="<i8"))
np.save("i32_scalar.npy", np.array(7, dtype="<i4"))
np.save("f32_empty.npy", np.zeros((0, 4), dtype="<f4"))
np.save("fortran.npy", np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)))
np.save("u8.npy", np.arange(3, dtype="u1"))
with open("v3.npy", "wb") as f:
    np.lib.format.write_array(f, np.array([1.5, -2.0], dtype="<f4"), version=(3, 0))
