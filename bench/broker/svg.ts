// A hand-written SVG bar chart of quarkmq/Mosquitto, quarkmq/node:net forwarder and quarkmq/Aedes per scenario, on a log scale
// with the 1x line marked (bench/results/latest.svg, shown in the README).

const esc = (s: string) => s.replace(/[<>&]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;" })[c]!);

export function chart(ratios: Record<string, Record<string, number>>): string {
  const names = Object.keys(ratios);
  const peers: [string, string][] = [["mosquitto", "#4477aa"], ["ceiling", "#228833"], ["aedes", "#ee6677"]];
  const rowH = 47, left = 120, width = 640, top = 56;
  const height = top + names.length * rowH + 40;
  const lo = Math.log10(0.1), hi = Math.log10(100);
  const x = (r: number) => Math.round((left + ((Math.min(hi, Math.max(lo, Math.log10(r))) - lo) / (hi - lo)) * (width - left - 20)) * 10) / 10;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="18" font-size="14">quarkmq / peer: messages per broker CPU-second (log scale; right of 1x = quarkmq better)</text>`,
  ];
  for (const t of [0.1, 0.5, 1, 2, 4, 10, 100]) {
    out.push(`<line x1="${x(t)}" y1="${top - 6}" x2="${x(t)}" y2="${height - 30}" stroke="${t === 1 ? "#000" : "#ddd"}"/>`, `<text x="${x(t)}" y="${height - 16}" text-anchor="middle">${t}x</text>`);
  }
  names.forEach((n, i) => {
    const y = top + i * rowH;
    out.push(`<text x="${left - 6}" y="${y + 18}" text-anchor="end">${esc(n)}</text>`);
    peers.forEach(([peer, color], j) => {
      const r = ratios[n][peer];
      if (!r) return;
      const x0 = x(1), x1 = x(r);
      out.push(`<rect x="${Math.min(x0, x1)}" y="${y + 4 + j * 13}" width="${Math.max(1, Math.round(Math.abs(x1 - x0) * 10) / 10)}" height="11" fill="${color}"/>`, `<text x="${Math.max(x0, x1) + 4}" y="${y + 14 + j * 13}" font-size="10">${r.toFixed(2)}x</text>`);
    });
  });
  peers.forEach(([peer, color], j) => out.push(`<rect x="${left + j * 120}" y="28" width="10" height="10" fill="${color}"/>`, `<text x="${left + 14 + j * 120}" y="37">vs ${peer}</text>`));
  out.push("</svg>");
  return out.join("\n") + "\n";
}
