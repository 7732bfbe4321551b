// Builds the browser page into dist/public: main.ts bundled by esbuild, static files copied.
// Type checking of page/ is done by `tsc -b` (page/tsconfig.json is a project reference).
import { copyFile, mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const page = `${root}page/`
const out = `${root}dist/public/`
const STATIC_FILES = ['index.html', 'styles.css', 'favicon.svg']

await mkdir(out, { recursive: true })
await build({
  entryPoints: [`${page}main.ts`],
  outfile: `${out}main.js`,
  bundle: true,
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16'],
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning'
})
await Promise.all(STATIC_FILES.map((name) => copyFile(`${page}${name}`, `${out}${name}`)))
console.log(`page built in ${out}`)
