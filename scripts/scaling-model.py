#!/usr/bin/env python3
"""The distributed cost model of docs/SCALING.md, as a calculator (standard library only).

  scaling-model.py bytes RATINGS --ranks P --rank K
      Predicted bytes per ALS iteration (all ranks together) from the file's rating counts per user and per item,
      to compare with `lowrank complete … --json`'s "bytes_per_iteration" under `mpirun -np P`.
  scaling-model.py project --als-gflops G --cholesky-gflops C --eig-gflops E --overhead-us O
      The projection tables of docs/SCALING.md (Markdown) from the per-core rates and the per-message software
      overhead measured on this machine; the network (100 Gb/s links, 2 µs latency, 32 cores per node) is assumed.

Model of explicit ALS (one iteration = a user half and an item half; blocks balanced by rating count):
  compute  F = 2 nnz k² + (m + n) k³ / 3 flops (the Gram matrices, then one Cholesky per row)
  volume   B = 8 (k + 1) [ Σ_j (P − 1)(1 − (1 − 1/P)^{n_j}) + Σ_u (P − 1)(1 − (1 − 1/P)^{m_u}) ] bytes, all ranks:
           item j (n_j ratings) is needed by every other rank holding one of its raters, each rating landing in a
           given user block with probability 1/P; users alike. Plus 8 P (P − 1) bytes of counts (two all-to-alls),
           the two all-to-alls' size flags and four all-reduces of a few doubles.
  messages 2 all-to-alls of up to P − 1 messages each, 6 all-reduces (2 size flags, 4 sums) of 2 log₂ P steps.
Implicit ALS (`bytes --implicit`): the same with k doubles per column (no biases), plus the all-reduces of the two
  k × k Gram matrices; compute 2 nnz k (steps + 2) + (m + n) (steps + 1) k² per iteration with CG.
"""
import argparse, math, sys

LINK_BYTES_PER_S = 100e9 / 8      # 100 Gb/s per node
LATENCY_S = 2e-6                  # network latency per message
CORES = 32                        # cores per node; one rank per node, 32 threads


def predicted_bytes(path, ranks, k, implicit=False):
    users, items = {}, {}
    with open(path, "rb") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 3 or line.startswith(b"#"):
                continue
            users[parts[0]] = users.get(parts[0], 0) + 1
            items[parts[1]] = items.get(parts[1], 0) + 1
    keep = 1 - 1 / ranks
    # Each all-to-all ends its size exchange with an all-reduce of one flag (sizes past 32-bit counts refused on
    # every rank): 2 · 8 (P − 1) / P bytes per rank, rounded down as the Communicator counts it, twice.
    flags = 2 * ranks * (2 * 8 * (ranks - 1) // ranks)
    needed = sum((ranks - 1) * (1 - keep ** n) for n in items.values()) \
        + sum((ranks - 1) * (1 - keep ** n) for n in users.values())
    if implicit:
        # k doubles per column (no biases); all-reduces of G_X (k²), of G_Y with three sums (k² + 3), the slowest
        # time, and the two agreements (max-loc pairs).
        reduced = 2 * 8 * k * k + 2 * 8 * (k * k + 3) + 2 * 8 + 2 * 2 * 12
        small = 2 * 4 * ranks * (ranks - 1) + ranks * reduced * (ranks - 1) // ranks + flags
        return 8 * k * needed + small, len(users), len(items), sum(users.values())
    small = 2 * 4 * ranks * (ranks - 1) + ranks * (2 * 32 + 2 * 8 + 2 * 2 * 12) * (ranks - 1) // ranks + flags
    return 8 * (k + 1) * needed + small, len(users), len(items), sum(users.values())


def als_row(name, m, n, nnz, k, nodes, als_flops_per_core, overhead):
    flops = 2 * nnz * k * k + (m + n) * k ** 3 / 3
    compute = flops / (nodes * CORES * als_flops_per_core)
    # Mean-degree (Poisson) form of the volume: each rank receives the columns its blocks touch.
    per_item, per_user = nnz / n, nnz / m
    touched_items = n * (1 - math.exp(-per_item / nodes))     # items one rank's users rated
    touched_users = m * (1 - math.exp(-per_user / nodes))
    volume = 8 * (k + 1) * (touched_items + touched_users) * (nodes - 1) / nodes   # received per rank
    messages = 2 * (nodes - 1) + 6 * 2 * math.log2(max(nodes, 2))   # two all-to-alls, their size flags, four all-reduces
    latency = messages * (LATENCY_S + overhead)
    bandwidth = volume / LINK_BYTES_PER_S
    total = compute + latency + bandwidth
    return flops, compute, volume, latency, bandwidth, total


def cholesky_row(orbitals, vectors_per_orbital, nodes, cholesky_flops_per_core, overhead):
    pairs = orbitals * (orbitals + 1) // 2
    vectors = vectors_per_orbital * orbitals
    flops = pairs * vectors ** 2                     # Σ_m 2 · pairs · m
    compute = flops / (nodes * CORES * cholesky_flops_per_core)
    # Per vector: one max-loc all-reduce (2 log₂ P steps) and one broadcast (log₂ P steps, m doubles).
    steps = 3 * math.log2(max(nodes, 2))
    latency = vectors * steps * (LATENCY_S + overhead)
    bandwidth = vectors * (vectors / 2) * 8 * math.log2(max(nodes, 2)) / LINK_BYTES_PER_S
    return pairs, vectors, flops, compute, latency, bandwidth, compute + latency + bandwidth


def eig_row(orbitals, nodes, eig_flops_per_core, overhead):
    order = orbitals * (orbitals + 1) // 2
    flops = 4.7 * order ** 3                        # tridiagonal reduction 4/3 n³, divide and conquer, back-transform 2 n³
    compute = flops / (nodes * CORES * eig_flops_per_core)
    logp = math.log2(max(nodes, 2))
    latency = 3 * order * logp * (LATENCY_S + overhead)           # pdsytrd: a few reductions per column
    bandwidth = 3 * order ** 2 * 8 * logp / math.sqrt(nodes) / LINK_BYTES_PER_S
    memory = 8 * order ** 2 * 2 / nodes                           # A and Z, block-cyclic
    return order, flops, compute, latency, bandwidth, compute + latency + bandwidth, memory


def project(a):
    overhead = a.overhead_us * 1e-6
    print("#### Explicit ALS, rank 100, one iteration (strong scaling)\n")
    print("| data | nodes | compute s | received per rank | latency s | transfer s | total s | efficiency vs 16 |")
    print("|---|---|---|---|---|---|---|---|")
    for name, m, n, nnz in [("1.2M × 400K, 5·10⁹", 1.2e6, 4e5, 5e9), ("Netflix 480K × 17.7K, 10⁸", 4.8e5, 1.77e4, 1e8)]:
        base = None
        for nodes in (16, 64, 256):
            flops, compute, volume, latency, bandwidth, total = als_row(name, m, n, nnz, 100, nodes, a.als_gflops * 1e9, overhead)
            base = base or total * 16
            print(f"| {name} | {nodes} | {compute:.3g} | {volume / 1e6:.0f} MB | {latency:.2g} | {bandwidth:.3g} | "
                  f"{total:.3g} | {base / (total * nodes):.2f} |")
    print("\n#### Explicit ALS, weak scaling (ratings per node fixed at the 16-node share, users and items fixed)\n")
    print("| data | nodes | ratings | compute s | transfer s | latency s | total s | efficiency vs 16 |")
    print("|---|---|---|---|---|---|---|---|")
    for name, m, n, nnz in [("1.2M × 400K", 1.2e6, 4e5, 5e9), ("Netflix 480K × 17.7K", 4.8e5, 1.77e4, 1e8)]:
        base = None
        for nodes in (16, 64, 256):
            scaled = nnz * nodes / 16
            flops, compute, volume, latency, bandwidth, total = als_row(name, m, n, scaled, 100, nodes, a.als_gflops * 1e9, overhead)
            base = base or total
            print(f"| {name} | {nodes} | {scaled:.2g} | {compute:.3g} | {bandwidth:.3g} | {latency:.2g} | {total:.3g} | {base / total:.2f} |")
    print("\n#### ERI pivoted Cholesky (τ = 1e-6, K = 17.4 N vectors as FeMoco's 939 for N = 54)\n")
    print("| N | pairs | K | nodes | compute s | latency s | transfer s | total s |")
    print("|---|---|---|---|---|---|---|---|")
    for orbitals in (200, 400):
        for nodes in (16, 64, 256):
            pairs, vectors, flops, compute, latency, bandwidth, total = cholesky_row(orbitals, 939 / 54, nodes, a.cholesky_gflops * 1e9, overhead)
            print(f"| {orbitals} | {pairs} | {vectors:.0f} | {nodes} | {compute:.3g} | {latency:.3g} | {bandwidth:.2g} | {total:.3g} |")
    print("\n#### DF stage 1: pdsyevd of the pair supermatrix\n")
    print("| N | order | nodes | compute s | latency s | transfer s | total s | memory per node |")
    print("|---|---|---|---|---|---|---|---|")
    for orbitals in (200, 400):
        for nodes in (16, 64, 256):
            order, flops, compute, latency, bandwidth, total, memory = eig_row(orbitals, nodes, a.eig_gflops * 1e9, overhead)
            print(f"| {orbitals} | {order} | {nodes} | {compute:.3g} | {latency:.3g} | {bandwidth:.3g} | {total:.3g} | {memory / 1e9:.2f} GB |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("bytes")
    b.add_argument("ratings")
    b.add_argument("--ranks", type=int, required=True)
    b.add_argument("--rank", type=int, required=True)
    b.add_argument("--implicit", action="store_true", help="implicit ALS (k doubles per column, Gram all-reduces)")
    p = sub.add_parser("project")
    p.add_argument("--als-gflops", type=float, required=True, help="explicit ALS flops per second per core (G)")
    p.add_argument("--cholesky-gflops", type=float, required=True, help="pivoted Cholesky update rate per core (G)")
    p.add_argument("--eig-gflops", type=float, required=True, help="dsyevd rate per core, 4.7 n³ flops (G)")
    p.add_argument("--overhead-us", type=float, required=True, help="per-message software overhead (µs)")
    a = ap.parse_args()
    if a.command == "bytes":
        total, users, items, nnz = predicted_bytes(a.ratings, a.ranks, a.rank, a.implicit)
        print(f"{users} users, {items} items, {nnz} ratings; P = {a.ranks}, k = {a.rank}: "
              f"predicted {total:.0f} bytes per iteration")
    else:
        project(a)


if __name__ == "__main__":
    sys.exit(main())
