// Builds the browser page into dist/public: main.ts bundled and minified by esbuild,
// styles.css bundled, index.html and favicon.svg copied. `--watch` rebuilds on change.
// Type checking of page/ is done by `tsc -b` (page/tsconfig.json is a project reference).
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const watch = process.argv.includes('--watch')
// `--outdir DIR` builds elsewhere (tests build their own copy, so parallel runs never share files).
const outIndex = process.argv.indexOf('--outdir')
const outdir = outIndex > 0 ? resolve(process.argv[outIndex + 1]) : resolve(root, 'dist/public')

const options = {
  absWorkingDir: root,
  entryPoints: ['page/main.ts', 'page/styles.css', 'page/index.html', 'page/favicon.svg'],
  outdir,
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
  console.log(`page built in ${outdir}`)
}
