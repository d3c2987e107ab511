// Bundles the extension into one minified file; `vscode` is provided by the host.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');

// docker-modem requires its SSH transport (ssh2, with native cpu-features) eagerly, even for
// the local socket we use. ssh2 is not shipped in the .vsix, so `require('ssh2')` would throw
// when dockerode loads. Bundle a stub in its place: DOCKER_HOST=ssh://… gets a clear error.
const ssh2Stub = {
  name: 'ssh2-stub',
  setup(build) {
    build.onResolve({ filter: /^ssh2$/ }, () => ({ path: 'ssh2', namespace: 'ssh2-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'ssh2-stub' }, () => ({
      contents: "class Client { constructor() { throw new Error('Docker over SSH (DOCKER_HOST=ssh://...) is not supported by Airflow on ECS; use the local socket or tcp://.'); } }\nmodule.exports = { Client };",
      loader: 'js',
    }));
  },
};
const options = {
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  external: ['vscode'],
  plugins: [ssh2Stub],
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: !watch,
  sourcemap: watch ? 'inline' : false,
  metafile: true,
  logLevel: 'warning',
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
  console.log('esbuild: watching src/ for changes');
} else {
  const result = await esbuild.build(options);
  const bytes = result.metafile.outputs['dist/extension.js'].bytes;
  console.log(`esbuild: dist/extension.js ${(bytes / 1024).toFixed(0)} KB`);
}
