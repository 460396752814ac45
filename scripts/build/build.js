#!/usr/bin/env node
// npm run build: every workspace package (apps and libs) compiled ahead of time into dist/, so a service runs as
// `node dist/apps/<name>/main.js` with no compiler loaded.
//
// Why one swc pass over the whole tree rather than per-project Nx builds or tsc emit:
// - swc with .swcrc.json is exactly what jest compiles the specs with (legacy decorators + decorator metadata,
//   keepClassNames), so the shipped code has the semantics the suite tested; `npm run lint` already type-checks.
// - dist/ keeps the source layout (dist/libs/platform/service-kit/src/...), so relative paths that code resolves
//   at run time (ops-cli reads apps/*/service.json next to itself) still hold.
// - `@orders/*` resolves the way npm workspaces resolve it today: dist/node_modules/@orders/<name> is a relative
//   symlink to the compiled package, whose package.json now points at .js. Bare names, entry subpaths
//   (`@orders/messaging/nest`) and deep imports (`@orders/service-kit/src/...`) all keep working without rewriting
//   a single import specifier (swc's `jsc.paths` rewriting would have to cover all three, per file).
const fs = require('node:fs');
const path = require('node:path');
const { transformFile } = require('@swc/core');

const root = path.resolve(__dirname, '..', '..');
const outDir = path.join(root, 'dist');
const CONCURRENCY = 16;

/** Specs, test helpers and fixtures are not shipped: they import dev dependencies (jest, supertest). */
const isTestOnly = (rel) =>
  /\.(spec|int-spec|e2e-spec)\.ts$/.test(rel) ||
  /(^|\/)(test|testing|__fixtures__)(\/|$)/.test(rel) ||
  /(^|\/)testing\.ts$/.test(rel);
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.nx', 'coverage']);

/** The package folders listed by the root package.json workspaces (`apps/*`, `libs/contracts`, ...). */
function workspacePackages() {
  const { workspaces } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  return workspaces
    .flatMap((pattern) => {
      if (!pattern.endsWith('/*')) return [pattern];
      const parent = pattern.slice(0, -2);
      return fs.readdirSync(path.join(root, parent)).map((name) => `${parent}/${name}`);
    })
    .filter((dir) => fs.existsSync(path.join(root, dir, 'package.json')));
}

function* walk(dir, rel = '') {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const entryRel = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* walk(path.join(dir, entry.name), entryRel);
    } else if (entry.isFile()) {
      yield entryRel;
    }
  }
}

function swcOptions() {
  const options = JSON.parse(fs.readFileSync(path.join(root, '.swcrc.json'), 'utf8'));
  delete options.$schema;
  // Separate maps with the sources inlined: the image holds no .ts, yet `--enable-source-maps` traces point at them.
  return { ...options, swcrc: false, configFile: false, sourceMaps: true, inlineSourcesContent: true };
}

async function compile(source, target, options) {
  const output = await transformFile(source, {
    ...options,
    filename: source,
    sourceFileName: path.relative(path.dirname(target), source),
  });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const mapName = `${path.basename(target)}.map`;
  fs.writeFileSync(target, `${output.code}\n//# sourceMappingURL=${mapName}\n`);
  if (output.map) fs.writeFileSync(`${target}.map`, output.map);
}

/** The package's manifest with its entry points moved from .ts to the compiled .js. */
function writeManifest(pkgDir, targetDir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, pkgDir, 'package.json'), 'utf8'));
  if (typeof manifest.main === 'string') manifest.main = manifest.main.replace(/\.ts$/, '.js');
  // No declarations are emitted: dist/ is for running, the type check runs on the sources.
  delete manifest.types;
  fs.mkdirSync(targetDir, { recursive: true });
  fs.writeFileSync(path.join(targetDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

async function inPool(tasks, limit) {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/**
 * `into`: another folder than dist/ (a chaos run builds a tree of its own, so a concurrent `npm run build` emptying
 * dist/ cannot pull the code from under its services); inside the repository, so node_modules still resolve.
 */
async function build(into = outDir) {
  const started = Date.now();
  fs.rmSync(into, { recursive: true, force: true });
  const options = swcOptions();
  const packages = workspacePackages();
  const tasks = [];
  let copied = 0;
  for (const pkgDir of packages) {
    const sourceDir = path.join(root, pkgDir);
    const targetDir = path.join(into, pkgDir);
    const manifest = writeManifest(pkgDir, targetDir);
    for (const rel of walk(sourceDir)) {
      if (rel === 'package.json' || rel === 'README.md' || isTestOnly(rel)) continue;
      const source = path.join(sourceDir, rel);
      if (rel.endsWith('.d.ts')) continue;
      if (rel.endsWith('.ts')) {
        tasks.push(() => compile(source, path.join(targetDir, rel.replace(/\.ts$/, '.js')), options));
      } else {
        // Assets a module may read by path at run time (service.json, YAML contracts).
        fs.mkdirSync(path.dirname(path.join(targetDir, rel)), { recursive: true });
        fs.copyFileSync(source, path.join(targetDir, rel));
        copied += 1;
      }
    }
    // The package map: what npm's workspace links do for the sources, here for the compiled tree.
    const link = path.join(into, 'node_modules', manifest.name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.relative(path.dirname(link), targetDir), link, 'dir');
    // A fixed entry per app, `node dist/apps/<name>/main.js`, whatever the app's folder layout.
    if (pkgDir.startsWith('apps/') && fs.existsSync(path.join(sourceDir, 'src', 'main.ts'))) {
      fs.writeFileSync(
        path.join(targetDir, 'main.js'),
        "'use strict';\n// Entry of the compiled app (scripts/build/build.js).\nrequire('./src/main.js');\n",
      );
    }
  }
  await inPool(tasks, CONCURRENCY);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `[build] ${tasks.length} TypeScript files of ${packages.length} packages compiled into ${path.relative(root, into)}/ (${copied} assets copied) in ${seconds} s`,
  );
}

if (require.main === module) {
  build().catch((error) => {
    console.error(`[build] failed: ${error.stack ?? error}`);
    process.exit(1);
  });
}

module.exports = { build, isTestOnly, workspacePackages };
