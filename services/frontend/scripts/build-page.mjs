// Builds the browser page into dist/public: main.ts bundled and minified by esbuild,
// styles.css bundled, index.html and favicon.svg copied. `--watch` rebuilds on change.
// Type checking of page/ is done by `tsc -b` (page/tsconfig.json is a project reference).
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const watch = process.argv.includes('--watch')

const options = {
  absWorkingDir: root,
  entryPoints: ['page/main.ts', 'page/styles.css', 'page/index.html', 'page/favicon.svg'],
  outdir: 'dist/public',
  entryNames: '[name]',
  loader: { '.html': 'copy', '.svg': 'copy' },
  bundle: true,
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16'],
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: watch ? 'info' : 'warning'
}

if (watch) {
  const context = await esbuild.context(options)
  await context.watch()
} else {
  await esbuild.build(options)
  console.log(`page built in ${root}dist/public`)
}
