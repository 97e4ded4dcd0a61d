// Draws Parley's icon files from their one source, src/renderer/public/icon.svg, with Debian's
// Chromium (playwright-core, as the e2e tests use): PNG screenshots of the SVG at each size, then
// packed by hand into the two container formats (both just hold PNGs):
//   icon.png     512 px: the window icon (Linux, Windows) and the .deb's icon
//   favicon.ico  16, 32, 48 px: the browser tab in web mode
//   icon.ico     16-256 px: the Windows executable (packagerConfig.icon)
//   icon.icns    16-1024 px: the macOS app bundle (packagerConfig.icon)
// Run it after changing the SVG, and commit what it writes: node scripts/make-icons.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const dir = join(import.meta.dirname, '..', 'src', 'renderer', 'public');
const svg = readFileSync(join(dir, 'icon.svg'), 'utf8');

/** PNGs of the SVG, by size in pixels, drawn with a transparent background. */
async function drawPngs(sizes) {
  const browser = await chromium.launch({
    executablePath: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage();
    const pngs = new Map();
    for (const size of sizes) {
      await page.setViewportSize({ width: size, height: size });
      const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
      await page.setContent(
        `<style>html,body{margin:0;background:transparent}</style>` +
          `<img src="${src}" width="${size}" height="${size}" style="display:block">`,
      );
      await page.locator('img').evaluate((img) => img.decode());
      pngs.set(size, await page.screenshot({ omitBackground: true }));
    }
    return pngs;
  } finally {
    await browser.close();
  }
}

/** An ICO whose entries are PNGs (read by Windows Vista and later, and every browser). */
function ico(pngs) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(pngs.length, 4);
  const entries = [];
  let offset = 6 + 16 * pngs.length;
  for (const [size, png] of pngs) {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0); // 0 means 256
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(entry);
  }
  return Buffer.concat([header, ...entries, ...pngs.map(([, png]) => png)]);
}

/** An ICNS of PNG entries (macOS 10.7 and later), by OSType. */
function icns(pngsByType) {
  const chunks = pngsByType.map(([type, png]) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + chunks.reduce((sum, chunk) => sum + chunk.length, 0), 4);
  return Buffer.concat([head, ...chunks]);
}

const icnsTypes = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
];
const pngs = await drawPngs([16, 32, 48, 64, 128, 256, 512, 1024]);
const pick = (sizes) => sizes.map((size) => [size, pngs.get(size)]);
const files = {
  'icon.png': pngs.get(512),
  'favicon.ico': ico(pick([16, 32, 48])),
  'icon.ico': ico(pick([16, 32, 48, 64, 128, 256])),
  'icon.icns': icns(icnsTypes.map(([type, size]) => [type, pngs.get(size)])),
};

for (const [name, bytes] of Object.entries(files)) {
  writeFileSync(join(dir, name), bytes);
  console.log(`wrote src/renderer/public/${name} (${bytes.length} bytes)`);
}
