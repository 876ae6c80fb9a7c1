"""The order in which a sweep's members are solved: neighbours close in parameter space, so that each
warm start begins near the previous solution."""
from __future__ import annotations

import numpy as np

from model.sweep.spec import Member, Param

#: members up to which the order is greedy nearest neighbour (O(n²)); beyond, a Z-order curve (O(n log n))
GREEDY_MAX = 3000


def order_members(members: list[Member], params: list[Param]) -> list[Member]:
    """Members in an order where neighbours are close in parameter space, for better warm starts:
    greedy nearest neighbour on rank-scaled values starting from the first member, or for more than
    :data:`GREEDY_MAX` members the order along a Z-order (Morton) curve through the same values."""
    if len(members) <= 2 or not params:
        return list(members)
    cols = []
    for p in params:
        raw = [m.values.get(p.coord) for m in members]
        keys = sorted({(isinstance(v, str), str(v) if isinstance(v, str) else v) for v in raw if v is not None})
        rank = {k: i / max(len(keys) - 1, 1) for i, k in enumerate(keys)}
        cols.append([rank[(isinstance(v, str), str(v) if isinstance(v, str) else v)] if v is not None else 0.5
                     for v in raw])
    x = np.array(cols, dtype=float).T
    if len(members) > GREEDY_MAX:
        return [members[i] for i in np.argsort(_morton(x), kind="stable")]
    left = list(range(1, len(members)))
    order = [0]
    while left:
        d = np.abs(x[left] - x[order[-1]]).sum(axis=1)
        order.append(left.pop(int(np.argmin(d))))
    return [members[i] for i in order]


def _morton(x: np.ndarray) -> np.ndarray:
    """Z-order keys of points in [0, 1]^d: the bits of the quantised coordinates interleaved."""
    n, d = x.shape
    bits = max(1, 63 // d)
    q = np.minimum((x * (2 ** bits - 1)).round(), 2 ** bits - 1).astype(np.uint64)
    key = np.zeros(n, dtype=np.uint64)
    for b in range(bits):
        for j in range(d):
            key |= ((q[:, j] >> np.uint64(b)) & np.uint64(1)) << np.uint64(b * d + j)
    return key
