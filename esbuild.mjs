// Bundles the extension into one minified file; `vscode` is provided by the host.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');

// dockerode loads transports we never use, eagerly: docker-modem's SSH transport (ssh2, with
// native cpu-features) and the BuildKit session of buildImage (gRPC, ~400 KB). We talk to the
// local socket and build through the compose CLI. None of them is shipped in the .vsix, so each
// is replaced by a stub that explains itself if it is ever reached.
const UNUSED_TRANSPORTS = {
  ssh2: 'Docker over SSH (DOCKER_HOST=ssh://...) is not supported by Airflow on ECS; use the local socket or tcp://.',
  '@grpc/grpc-js': 'BuildKit sessions are not used by Airflow on ECS; images are built through the compose CLI.',
  '@grpc/proto-loader': 'BuildKit sessions are not used by Airflow on ECS; images are built through the compose CLI.',
};
const unusedTransportStubs = {
  name: 'unused-transport-stubs',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(UNUSED_TRANSPORTS).map((k) => k.replace(/[/@.-]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'unused-transport' }));
    build.onLoad({ filter: /.*/, namespace: 'unused-transport' }, (args) => ({
      contents: `const fail = () => { throw new Error(${JSON.stringify(UNUSED_TRANSPORTS[args.path])}); };\nmodule.exports = new Proxy({}, { get: (_t, key) => (key === '__esModule' ? false : fail) });`,
      loader: 'js',
    }));
  },
};
const options = {
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  external: ['vscode'],
  plugins: [unusedTransportStubs],
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
