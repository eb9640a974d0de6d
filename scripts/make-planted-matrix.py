#!/usr/bin/env python3
"""Writes Data/kernels/planted_200x150.mtx: Y = M + Z, M of rank 5 with singular values
(6, 5, 4, 3, 2.5) x (sqrt(m) + sqrt(n)) and random orthonormal singular vectors, Z standard normal
noise (sigma = 1). Needs numpy and scipy. Deterministic (seed 2026)."""
import numpy as np, scipy.io as sio, sys
m, n, sigma = 200, 150, 1.0
rng = np.random.default_rng(2026)
edge = (np.sqrt(m) + np.sqrt(n)) * sigma
s = np.array([6, 5, 4, 3, 2.5]) * edge
u, _ = np.linalg.qr(rng.standard_normal((m, 5)))
v, _ = np.linalg.qr(rng.standard_normal((n, 5)))
y = (u * s) @ v.T + sigma * rng.standard_normal((m, n))
out = sys.argv[1] if len(sys.argv) > 1 else "Data/kernels/planted_200x150.mtx"
sio.mmwrite(out, y, comment="planted rank-5 signal + N(0,1) noise; scripts/make-planted-matrix.py, seed 2026")
print(out, "written;", "singular values:", np.linalg.svd(y, compute_uv=False)[:8])
