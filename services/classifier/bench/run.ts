// npm run bench:classifier [-- --duration 5 --rounds 3 --models a,b --threads 2 --batch-sizes 1,2,4,8
//   --pipeline-concurrency 2,4 --concurrency 2,4,8,16 --env KEY=VALUE --tsx | --server path/to/server.js | --decode-only]
// Preprocessing per photo (decode floor, before, after), then per model (a) onnxruntime on ready tensors,
// (b) sharp + onnxruntime without HTTP (before and after), (c) the classifier over HTTP, side by side in one run.
// The classifier runs from dist/ as in production (built here first), or from its sources with --tsx;
// the workspaces the bench imports resolve to their dist/ too.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const repo = fileURLToPath(new URL('../../../', import.meta.url))
const tsc = (...projects: string[]): void => {
  console.log(`building ${projects.join(', ')} (tsc -b) ...`)
  execFileSync(process.execPath, [`${repo}node_modules/typescript/bin/tsc`, '-b', ...projects.map((p) => `${repo}${p}`)], { stdio: 'inherit' })
}
if (!process.argv.includes('--tsx')) tsc('services/classifier', 'test-assets')
else if (['models', 'services/kit', 'test-assets'].some((w) => !existsSync(`${repo}${w}/dist/index.js`))) tsc('models', 'services/kit', 'test-assets')
await import('./bench.js')
