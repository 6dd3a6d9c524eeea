#!/usr/bin/env python3
"""k-means with scikit-learn on the data written by `workbench bench neon` (for the comparison in docs/benchmarks.md).

Usage: python3 benchmarks/sklearn_kmeans.py DATA.f64 N D K N_INIT SEED
DATA.f64 holds N*D float64 values, row-major. Prints one JSON line: fit seconds, inertia, iterations, versions.
"""
import json, sys, time
import numpy as np
import sklearn
from sklearn.cluster import KMeans

path, n, d, k, n_init, seed = sys.argv[1], *map(int, sys.argv[2:7])
x = np.fromfile(path, dtype=np.float64).reshape(n, d)
out = {"sklearn": sklearn.__version__, "numpy": np.__version__}
for dtype in ("float64", "float32"):
    xd = x.astype(dtype)
    km = KMeans(n_clusters=k, init="k-means++", n_init=n_init, max_iter=300, tol=1e-4, algorithm="lloyd", random_state=seed)
    t0 = time.perf_counter()
    km.fit(xd)
    t = time.perf_counter() - t0
    out[dtype] = {"seconds": t, "inertia": float(km.inertia_), "iterations": int(km.n_iter_)}
print(json.dumps(out))
