// Writes the app and tray icons as PNGs (no image tools needed): a ring and
// dot in the status colour, anti-aliased by 4x4 supersampling. Run with
// `node build/make-icons.mjs`; the PNGs are committed.
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'icons');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
/** RGBA pixels (Uint8Array, size*size*4) → PNG bytes. */
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** shape(x, y) in [0,1]² → [r,g,b,a] or null; supersampled. */
function draw(size, shape) {
  const out = new Uint8Array(size * size * 4);
  const S = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const c = shape((x + (sx + 0.5) / S) / size, (y + (sy + 0.5) / S) / size);
          if (!c) continue;
          r += c[0] * c[3]; g += c[1] * c[3]; b += c[2] * c[3]; a += c[3];
        }
      }
      const i = (y * size + x) * 4;
      if (a > 0) {
        out[i] = Math.round(r / a); out[i + 1] = Math.round(g / a); out[i + 2] = Math.round(b / a);
      }
      out[i + 3] = Math.round((a / (S * S)) * 255);
    }
  }
  return out;
}

const COLORS = { ok: [46, 160, 67], busy: [219, 150, 20], down: [218, 54, 51], idle: [128, 128, 128] };

/** Ring + centre dot: a watchful eye, readable at 16 px. */
const eye = (color) => (x, y) => {
  const d = Math.hypot(x - 0.5, y - 0.5);
  if (d <= 0.47 && d >= 0.34) return [...color, 1];
  if (d <= 0.2) return [...color, 1];
  return null;
};

/** App icon: the eye in white on a dark rounded square. */
const app = (x, y) => {
  const m = 0.06, rad = 0.2;
  const qx = Math.max(Math.abs(x - 0.5) - (0.5 - m - rad), 0);
  const qy = Math.max(Math.abs(y - 0.5) - (0.5 - m - rad), 0);
  if (Math.hypot(qx, qy) > rad) return null;
  const e = eye([235, 240, 245])(0.5 + (x - 0.5) * 1.5, 0.5 + (y - 0.5) * 1.5);
  return e ?? [30, 41, 59, 1];
};

mkdirSync(dir, { recursive: true });
for (const [level, color] of Object.entries(COLORS)) {
  writeFileSync(path.join(dir, `tray-${level}.png`), png(32, draw(32, eye(color))));
}
for (const size of [256, 512]) writeFileSync(path.join(dir, `${size}x${size}.png`), png(size, draw(size, app)));
writeFileSync(path.join(dir, 'vigil.png'), png(256, draw(256, app)));
console.log(`icons written to ${dir}`);
