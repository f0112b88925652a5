#!/usr/bin/env node
/**
 * Builds packages/sdk/dist:
 *   webim_wx.js, webim_wx.min.js  CommonJS, for mini programs (`require('…/webim_wx.min.js')`)
 *   webim.min.js, tim.min.js      browser globals `webim` and `TIM` (<script> tags)
 *   index|node|miniprogram|webim .mjs/.cjs + types/  the package's entry points, with a
 *   package.json whose `exports` point at them (publish dist/ as @parley/sdk)
 * and prints each file's size. Dependency-free bundles: everything but `ws` (Node entry) is inlined.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const defaultDist = join(root, 'dist');
const src = (p) => join(root, 'src', p);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const LIMIT_WX_MIN = 60 * 1024;

/**
 * Size work for the mini-program bundles (budget: 60 KB), at build time only, sources untouched:
 * - `#private` members become ordinary properties with mangled names: lowered to ES2017,
 *   real private fields cost a WeakMap and a helper call per access.
 * - The shared error table loses its server-only `http` statuses and default messages (every
 *   server error carries its own ErrorInfo; client-side errors keep theirs).
 */
const leanMiniProgram = {
  name: 'lean-miniprogram',
  setup(b) {
    b.onLoad({ filter: /[\\/](sdk|protocol)[\\/]src[\\/].*\.ts$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8').replace(/(?<=[.\s(!])#(?=[A-Za-z_$])/g, '__p_');
      if (/protocol[\\/]src[\\/]errors\.ts$/.test(args.path)) {
        text = text.replace(/\bhttp: \d+, /g, '').replace(/(ErrorCodes = \{[\s\S]*?\n\})/, (t) => t.replace(/message: '(?:[^'\\]|\\.)*'/g, "message: ''"));
      }
      return { contents: text, loader: 'ts' };
    });
  },
};

/** Build into `outDir` (dist/ by default; tests build into a temp dir). Returns each file's size. */
export async function buildSdk({ quiet = false, types = true, outDir = defaultDist } = {}) {
  const dist = outDir;
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  const common = { bundle: true, target: 'es2017', legalComments: 'none', logLevel: 'warning', charset: 'utf8' };
  // CommonJS whose module.exports IS the default export, as webim_wx.js is used: `require(...).login(...)`.
  // Mini programs: ES2017 syntax plus `?.` / `??`, object spread and binding-less `catch`
  // (JavaScriptCore on iOS 13.4+ has all four, as does V8 on Android; the developer tools'
  // "ES6 to ES5" option covers older engines). Lowering the last two cost 350 bytes of helpers.
  const cjsDefault = {
    format: 'cjs',
    platform: 'neutral',
    supported: { 'optional-chain': true, 'nullish-coalescing': true, 'object-rest-spread': true, 'optional-catch-binding': true },
    plugins: [leanMiniProgram],
    mangleProps: /^(__p_\w+|_[a-z]\w*)$/,
    reserveProps: /^_impl/,
    footer: { js: 'module.exports = module.exports.default;' },
  };
  const globalDefault = (name) => ({ format: 'iife', platform: 'browser', target: 'es2020', globalName: `__parley_${name}`, footer: { js: `var ${name} = __parley_${name}.default;` } });
  const jobs = [
    { entryPoints: [src('bundles/webim-wx.ts')], outfile: join(dist, 'webim_wx.js'), ...cjsDefault },
    { entryPoints: [src('bundles/webim-wx.ts')], outfile: join(dist, 'webim_wx.min.js'), minify: true, ...cjsDefault },
    { entryPoints: [src('bundles/webim-browser.ts')], outfile: join(dist, 'webim.min.js'), minify: true, ...globalDefault('webim') },
    { entryPoints: [src('bundles/tim-browser.ts')], outfile: join(dist, 'tim.min.js'), minify: true, ...globalDefault('TIM') },
  ];
  for (const entry of ['index', 'node', 'miniprogram', 'webim']) {
    for (const format of ['esm', 'cjs']) {
      jobs.push({
        entryPoints: [src(`${entry}.ts`)],
        outfile: join(dist, `${entry}.${format === 'esm' ? 'mjs' : 'cjs'}`),
        format,
        platform: entry === 'node' ? 'node' : 'neutral',
        external: ['ws'],
      });
    }
  }
  await Promise.all(jobs.map((j) => build({ ...common, ...j })));
  if (types) buildTypes(dist);
  writeFileSync(join(dist, 'package.json'), `${JSON.stringify(distManifest(), null, 2)}\n`);
  const sizes = report(dist, quiet);
  const wx = sizes.find((s) => s.file === 'webim_wx.min.js');
  if (wx && wx.bytes > LIMIT_WX_MIN) throw new Error(`webim_wx.min.js is ${wx.bytes} bytes, over the ${LIMIT_WX_MIN}-byte budget`);
  return sizes;
}

/** Declarations with tsc, then `.ts` specifiers → `.js` and @parley/protocol → its emitted copy. */
function buildTypes(dist) {
  const out = join(dist, 'types');
  const tsc = join(root, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', out], { stdio: 'inherit' });
  for (const file of walk(out)) {
    if (!file.endsWith('.d.ts')) continue;
    const protocol = relative(dirname(file), join(out, 'protocol', 'src', 'index.js')).replace(/\\/g, '/');
    const text = readFileSync(file, 'utf8')
      .replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2')
      .replace(/(['"])@parley\/protocol\1/g, `$1${protocol.startsWith('.') ? protocol : `./${protocol}`}$1`);
    writeFileSync(file, text);
  }
}

function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function distManifest() {
  const entry = (name) => ({
    types: `./types/sdk/src/${name}.d.ts`,
    import: `./${name}.mjs`,
    require: `./${name}.cjs`,
  });
  return {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
    main: './index.cjs',
    module: './index.mjs',
    types: './types/sdk/src/index.d.ts',
    exports: {
      '.': { node: entry('node'), ...entry('index') },
      './node': entry('node'),
      './miniprogram': entry('miniprogram'),
      './webim': entry('webim'),
      './webim_wx.js': './webim_wx.js',
      './webim_wx.min.js': './webim_wx.min.js',
      './webim.min.js': './webim.min.js',
      './tim.min.js': './tim.min.js',
    },
    dependencies: { ws: pkg.dependencies.ws },
  };
}

function report(dist, quiet) {
  const files = ['webim_wx.js', 'webim_wx.min.js', 'webim.min.js', 'tim.min.js', 'index.mjs', 'index.cjs', 'node.mjs', 'node.cjs', 'miniprogram.mjs', 'miniprogram.cjs', 'webim.mjs', 'webim.cjs'];
  const sizes = files.map((file) => {
    const buf = readFileSync(join(dist, file));
    return { file, bytes: buf.length, gzip: gzipSync(buf).length };
  });
  if (!quiet) {
    const kb = (n) => `${(n / 1024).toFixed(1)} KB`.padStart(9);
    for (const s of sizes) console.log(`${`dist/${s.file}`.padEnd(26)}${kb(s.bytes)}  (gzip ${kb(s.gzip).trim()})`);
  }
  return sizes;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // `--out <dir>` builds elsewhere (tests), `--no-types` skips the declarations.
  const args = process.argv.slice(2);
  const out = args.indexOf('--out');
  buildSdk({ types: !args.includes('--no-types'), ...(out >= 0 ? { outDir: args[out + 1] } : {}) }).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
