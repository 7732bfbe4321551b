// npm run bench:classifier [-- --duration 5 --models a,b --threads 2 --concurrency 2,4,8,16 --env KEY=VALUE]
// (a) onnxruntime on ready tensors, (b) sharp + onnxruntime without HTTP, (c) the classifier over HTTP,
// side by side in one run. The workspaces it imports must be built (their package exports point at dist/).
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const repo = fileURLToPath(new URL('../../../', import.meta.url))
if (!existsSync(`${repo}models/dist/index.js`) || !existsSync(`${repo}services/kit/dist/index.js`)) {
  console.log('building models and kit (tsc -b) ...')
  execFileSync(process.execPath, [`${repo}node_modules/typescript/bin/tsc`, '-b', `${repo}models`, `${repo}services/kit`], { stdio: 'inherit' })
}
await import('./bench.js')
