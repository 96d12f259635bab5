"""One colour per implementation, the same in every chart of a report.

Implementations are sorted by name across all loaded files and take the palette in that order, so the
assignment depends only on which names exist (never on chart or file order). The palette is 30
distinguishable colours (Tableau 10, then Dark2, then Tableau 20's light tones); beyond that it repeats.
"""

PALETTE = (
    # Tableau 10
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    # ColorBrewer Dark2
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#666666",
    # Tableau 20, light tones, and a few deep ones
    "#aec7e8",
    "#ffbb78",
    "#98df8a",
    "#ff9896",
    "#c5b0d5",
    "#c49c94",
    "#f7b6d2",
    "#dbdb8d",
    "#9edae5",
    "#393b79",
    "#637939",
    "#843c39",
)


def assign(implementations) -> dict:
    """{implementation: "#rrggbb"} for every name given."""
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(sorted(set(implementations)))}
