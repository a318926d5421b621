// Builds the storefront and the console into one directory that `vitrine serve`
// serves: index.html, console/index.html and assets/ with content-hashed names.
//   node build.mjs [OUT_DIR]     (default: dist)
// VITRINE_STOREFRONT_KEY, when set, is the search key the storefront sends (the
// server's VITRINE_SEARCH_KEY(S)); a search key is public by design, never an admin key.
import * as esbuild from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(process.argv[2] ?? path.join(here, 'dist'));

await rm(out, { recursive: true, force: true });
await mkdir(path.join(out, 'console'), { recursive: true });

const result = await esbuild.build({
  absWorkingDir: here,
  entryPoints: { storefront: './storefront/main.js', console: './console/main.js' },
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  outdir: path.join(out, 'assets'),
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
  legalComments: 'linked',
});

// entry name -> {js, css} file names under assets/
const assets = {};
for (const [file, meta] of Object.entries(result.metafile.outputs)) {
  if (!meta.entryPoint && !meta.cssBundle) continue;
  const name = path.basename(file).split('-')[0];
  const entry = (assets[name] ??= {});
  if (file.endsWith('.js')) {
    entry.js = path.basename(file);
    if (meta.cssBundle) entry.css = path.basename(meta.cssBundle);
  }
}

const escapeAttribute = (text) =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function page(template, target, entry) {
  const html = (await readFile(path.join(here, template), 'utf8'))
    .replaceAll('{{js}}', `/assets/${entry.js}`)
    .replaceAll('{{css}}', `/assets/${entry.css}`)
    .replaceAll('{{search_key}}', escapeAttribute(process.env.VITRINE_STOREFRONT_KEY ?? ''));
  await writeFile(path.join(out, target), html);
}

await page('storefront/index.html', 'index.html', assets.storefront);
await page('console/index.html', 'console/index.html', assets.console);
console.log(`built the storefront and console into ${out}`);
