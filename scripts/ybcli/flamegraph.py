"""A flame graph from folded stacks ("root;caller;leaf COUNT" per line), as one self-contained SVG.

Our own renderer, not Brendan Gregg's flamegraph.pl or npm's d3-flame-graph: the inputs are the
folded stacks we already produce (perf script collapsed here, heaptrack_print -F), the output needs
no network, no package and no JavaScript library, and it is the same for every tool. Hovering a
frame shows its name, count and share; clicking zooms into it (a few lines of inline script);
clicking the bottom bar zooms out.
"""
import html
import zlib

WIDTH = 1200
ROW = 16
FONT = 11
CHAR_WIDTH = 6.2  # of an 11px monospace character, to decide how much of a name fits


def parse_folded(text: str) -> dict:
    """'a;b;c 12' lines -> {('a', 'b', 'c'): 12}; malformed lines are skipped."""
    stacks = {}
    for line in text.splitlines():
        stack, _, count = line.rstrip().rpartition(" ")
        if not stack or not count.isdigit():
            continue
        key = tuple(stack.split(";"))
        stacks[key] = stacks.get(key, 0) + int(count)
    return stacks


def folded_text(stacks: dict) -> str:
    return "".join(f"{';'.join(stack)} {count}\n" for stack, count in sorted(stacks.items()))


class _Node:
    __slots__ = ("name", "total", "children")

    def __init__(self, name):
        self.name, self.total, self.children = name, 0, {}


def _tree(stacks: dict) -> _Node:
    root = _Node("all")
    for stack, count in stacks.items():
        root.total += count
        node = root
        for frame in stack:
            node = node.children.setdefault(frame, _Node(frame))
            node.total += count
    return root


def _default_color(name: str) -> str:
    hue = zlib.crc32(name.encode()) % 40  # warm hues, stable per name
    return f"hsl({10 + hue},85%,{58 + hue % 12}%)"


def _fit(name: str, pixels: float) -> str:
    fit = int((pixels - 6) / CHAR_WIDTH)
    return "" if fit < 3 else (name if len(name) <= fit else name[: fit - 2] + "..")


def render(stacks: dict, title: str, unit: str = "samples", color=None) -> str:
    """The SVG text of the flame graph of `stacks`; `color(name)` gives a frame's fill."""
    color = color or _default_color
    root = _tree(stacks)
    rows = []  # (depth, x, width, name, count)

    def place(node, depth, x):
        rows.append((depth, x, node.total, node.name, node.total))
        child_x = x
        for child in sorted(node.children.values(), key=lambda c: c.name):
            place(child, depth + 1, child_x)
            child_x += child.total

    if root.total:
        place(root, 0, 0)
    depth_max = max((row[0] for row in rows), default=0)
    height = (depth_max + 1) * ROW + 50
    scale = (WIDTH - 20) / root.total if root.total else 0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="monospace" font-size="{FONT}">',
        "<style>g.f:hover rect{stroke:#000;stroke-width:0.5} text{pointer-events:none}</style>",
        '<rect width="100%" height="100%" fill="#fdfdf6"/>',
        f'<text x="10" y="20" font-size="14">{html.escape(title)}</text>',
        f'<text x="10" y="36" fill="#555">{root.total:,} {html.escape(unit)}; hover a frame for its share, '
        "click to zoom, click the bottom bar to zoom out</text>",
    ]
    for depth, x, width, name, count in rows:
        if width * scale < 0.3:
            continue
        y = height - (depth + 1) * ROW - 4
        share = 100.0 * count / root.total
        label = html.escape(name)
        fill = "#ddd" if depth == 0 else color(name)
        parts.append(
            f'<g class="f" data-x="{x}" data-w="{width}" data-d="{depth}">'
            f"<title>{label} ({count:,} {html.escape(unit)}, {share:.2f}%)</title>"
            f'<rect x="{10 + x * scale:.2f}" y="{y}" width="{max(width * scale - 0.5, 0.1):.2f}" '
            f'height="{ROW - 1}" fill="{fill}" rx="1"/>'
            f'<text x="{13 + x * scale:.2f}" y="{y + ROW - 4}">{html.escape(_fit(name, width * scale))}</text></g>'
        )
    parts.append(_SCRIPT.replace("TOTAL", str(root.total)).replace("SPAN", str(WIDTH - 20)))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


# Zoom: a clicked frame fills the width; frames outside its span are hidden; labels are cut to fit.
_SCRIPT = """<script><![CDATA[
(function(){
  var frames=[].slice.call(document.querySelectorAll('g.f'));
  function show(x0,w0,d0){
    var scale=SPAN/w0;
    frames.forEach(function(g){
      var x=+g.dataset.x,w=+g.dataset.w,d=+g.dataset.d,r=g.querySelector('rect'),t=g.querySelector('text');
      var inside=d<d0 ? (x<=x0&&x+w>=x0+w0) : (x>=x0&&x+w<=x0+w0);
      g.style.display=inside?'':'none';
      if(!inside)return;
      var left=d<d0?0:(x-x0)*scale, width=d<d0?SPAN:w*scale;
      r.setAttribute('x',10+left); r.setAttribute('width',Math.max(width-0.5,0.1));
      t.setAttribute('x',13+left);
      var name=g.querySelector('title').textContent.replace(/ \\([^(]*\\)$/,'');
      var fit=Math.floor((width-6)/CHARW);
      t.textContent=fit<3?'':(name.length>fit?name.slice(0,fit-2)+'..':name);
    });
  }
  frames.forEach(function(g){g.addEventListener('click',function(){
    show(+g.dataset.x,+g.dataset.w,+g.dataset.d);});});
  show(0,TOTAL,0);
})();
]]></script>""".replace(
    "CHARW", str(CHAR_WIDTH)
)
