// Draws a World on a canvas: the tiles, the elements (static ones dark: they block), the avatars with their
// names above them, a ring around this user's proximity group. Names are drawn as canvas text, never HTML.

const COLORS = ["#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed", "#0891b2", "#dc2626", "#4d7c0f"];

function colorOf(id) {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) | 0;
  return COLORS[Math.abs(h) % COLORS.length];
}

/** Tile size in CSS pixels so that the whole space fits `maxWidth` (between 8 and 40). */
export function tileSize(world, maxWidth) {
  return Math.max(8, Math.min(40, Math.floor(maxWidth / world.size.w)));
}

export function draw(canvas, world, maxWidth) {
  const t = tileSize(world, maxWidth);
  const w = world.size.w * t, h = world.size.h * t;
  if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
  const g = canvas.getContext("2d");
  g.fillStyle = "#eef2e6";
  g.fillRect(0, 0, w, h);
  g.strokeStyle = "rgba(0,0,0,.06)";
  g.beginPath();
  for (let x = 0; x <= world.size.w; x++) { g.moveTo(x * t + .5, 0); g.lineTo(x * t + .5, h); }
  for (let y = 0; y <= world.size.h; y++) { g.moveTo(0, y * t + .5); g.lineTo(w, y * t + .5); }
  g.stroke();
  for (const e of world.elements) {
    g.fillStyle = e.static ? "#475569" : "rgba(217,119,6,.35)";
    g.fillRect(e.x * t + 1, e.y * t + 1, e.width * t - 2, e.height * t - 2);
  }
  canvas.dataset.elements = String(world.elements.length);
  const r = Math.max(3, t * 0.38);
  g.font = `${Math.max(10, Math.min(13, t * 0.45))}px system-ui, sans-serif`;
  g.textAlign = "center";
  g.textBaseline = "bottom";
  // others first, this user on top
  const ids = [...world.positions.keys()].sort((a, b) => (a === world.selfId) - (b === world.selfId));
  for (const id of ids) {
    const p = world.positions.get(id);
    const cx = p.x * t + t / 2, cy = p.y * t + t / 2;
    if (id === world.selfId ? world.nearby.size > 0 : world.nearby.has(id)) {
      g.strokeStyle = "#16a34a";
      g.lineWidth = 2;
      g.beginPath();
      g.arc(cx, cy, r + 3, 0, Math.PI * 2);
      g.stroke();
    }
    g.fillStyle = colorOf(id);
    g.beginPath();
    g.arc(cx, cy, r, 0, Math.PI * 2);
    g.fill();
    if (id === world.selfId) { g.strokeStyle = "#111"; g.lineWidth = 2; g.stroke(); }
    const label = world.name(id);
    const tw = g.measureText(label).width + 6;
    const base = p.y === 0 ? cy + r + 17 : cy - r - 3; // the top row's names go below, inside the canvas
    g.fillStyle = "rgba(255,255,255,.85)";
    g.fillRect(cx - tw / 2, base - 14, tw, 15);
    g.fillStyle = "#1d2330";
    g.fillText(label, cx, base);
  }
}
