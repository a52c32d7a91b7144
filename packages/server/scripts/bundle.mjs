#!/usr/bin/env node
// Bundles `dist/serve.js` and everything it loads to start serving into one file, `dist/serve.bundle.js`, which the
// image runs: one file to read and compile instead of some 300 modules to resolve. What is loaded only on demand
// through `createRequire` (swagger-jsdoc for /openapi.json, swagger-ui-dist's files for /docs) stays outside and is
// resolved from dist/ as before. Run after `tsc -b` (`npm run build` does both).
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

// Node's built-in modules are loaded with `require`, not `import`: the ES module face of `node:http` reads every
// export, and on Node 22+ that includes the lazy `WebSocket` getters, which load all of undici at start.
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      if (!builtins.has(args.path)) return undefined;
      // The `require` inside the stand-in module below is the real one.
      if (args.namespace === 'builtin') return { path: args.path, external: true };
      return { path: args.path, namespace: 'builtin' };
    });
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: [join(packageDir, 'dist/serve.js')],
  outfile: join(packageDir, 'dist/serve.bundle.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  plugins: [builtinsByRequire],
  // `require` for the CommonJS dependencies (Koa, pino, prom-client...) and the built-in modules above.
  banner: {
    js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
  },
  legalComments: 'eof',
  logLevel: 'warning',
});
