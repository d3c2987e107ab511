// Bundles the extension into one minified file; `vscode` is provided by the host.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const options = {
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  // ssh2 (dockerode's ssh:// transport) is bundled: the .vsix ships no node_modules; its optional native parts stay out.
  external: ['vscode', 'cpu-features', '*.node'],
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
