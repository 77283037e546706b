// Applies patches/mpegts.js-1.8.2-av1-frame-header.patch to the bundle the build uses
// (node_modules/mpegts.js/dist/mpegts.js), as the same three replacements in its minified code.
// Run by npm after install (postinstall) and before every build (prebuild); applying it twice
// changes nothing. Fails the build when mpegts.js is not the version the patch was made for.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'mpegts.js');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
if (version !== '1.8.2') {
  console.error(`patch-mpegts: mpegts.js ${version} found, the AV1 patch is for 1.8.2: check whether it is still needed`);
  process.exit(1);
}

const fixes = [
  {
    why: 'AV1 uncompressed_header(): showable_frame is read only when show_frame is 0',
    from: 'r.equal_picture_interval,l&&o.readBool(),u=',
    to: 'r.equal_picture_interval,l||o.readBool(),u=',
  },
  {
    why: 'AV1 uncompressed_header(): ref_order_hint[] is read only when !FrameIsIntra || refresh_frame_flags != allFrames',
    from: '(_||255!==g)&&u&&r.enable_order_hint',
    to: '(!_||255!==g)&&u&&r.enable_order_hint',
  },
  {
    why: 'AV1 render_size(): render_width_minus_1 and render_height_minus_1 are 16-bit values, not bit counts',
    from: 'var l=e.readBits(16)+1,u=e.readBits(16)+1;d=e.readBits(l)+1,_=e.readBits(u)+1',
    to: 'd=e.readBits(16)+1,_=e.readBits(16)+1',
  },
];

const file = join(root, 'dist', 'mpegts.js');
let code = readFileSync(file, 'utf8');
let applied = 0;
for (const fix of fixes) {
  if (code.includes(fix.to)) continue; // already patched
  const at = code.indexOf(fix.from);
  if (at < 0 || code.indexOf(fix.from, at + 1) >= 0) {
    console.error(`patch-mpegts: cannot find exactly one place for: ${fix.why}`);
    process.exit(1);
  }
  code = code.replace(fix.from, fix.to);
  applied++;
}
if (applied > 0) {
  writeFileSync(file, code);
  console.log(`patch-mpegts: ${applied} AV1 fix(es) applied to mpegts.js ${version}`);
}
