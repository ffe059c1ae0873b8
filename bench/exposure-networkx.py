#!/usr/bin/env python3
"""Recomputes Patchwise's exposure answers with networkx on the explicit graph the engine exports.

Usage: exposure-networkx.py GRAPH.jsonl OURS.json

GRAPH.jsonl is written by `patchwise exposure --export-graph` or the exposure-bench example
(`["node", name]` and `["edge", from, to, weight]` lines: weight 1 for taking a host, 0
otherwise). For every entry point `e:X`, networkx's Dijkstra gives the shortest weighted distance
to every node: to `s:…` the hosts taken before a service is reached, to `h:…` the hosts taken to
take a host. The totals are compared with the engine's (OURS.json from exposure-bench --result).
"""
import json
import sys
import time

import networkx as nx


def main():
    graph_path, ours_path = sys.argv[1], sys.argv[2]
    ours = json.load(open(ours_path))
    t0 = time.perf_counter()
    g = nx.DiGraph()
    with open(graph_path) as f:
        for line in f:
            rec = json.loads(line)
            if rec[0] == "node":
                g.add_node(rec[1])
            else:
                _, u, v, w = rec
                if g.has_edge(u, v):
                    if w < g[u][v]["weight"]:
                        g[u][v]["weight"] = w
                else:
                    g.add_edge(u, v, weight=w)
    t1 = time.perf_counter()
    agree = True
    theirs = {}
    for entry in ours["entry_points"]:
        dist = nx.single_source_dijkstra_path_length(g, "e:" + entry, weight="weight")
        s = [d for n, d in dist.items() if n.startswith("s:")]
        h = [d for n, d in dist.items() if n.startswith("h:")]
        theirs[entry] = {
            "services_reached": len(s),
            "reach_hops": sum(s),
            "hosts_taken": len(h),
            "take_hops": sum(h),
        }
        if theirs[entry] != ours["entry_points"][entry]:
            agree = False
    t2 = time.perf_counter()
    print(json.dumps({
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "load_s": round(t1 - t0, 3),
        "compute_s": round(t2 - t1, 3),
        "agree": agree,
        "networkx": theirs,
        "version": nx.__version__,
    }))
    if not agree:
        print(json.dumps({"patchwise": ours["entry_points"]}), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
