// Step 1 of `npm start`: build what changed. tsc -b and esbuild are incremental, so an unchanged
// tree costs a second or two. Only node: imports here: the workspaces' dist/ does not exist yet.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Output } from './output.js'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface Built {
  ok: boolean
  /** Why the classifier is not started, when it does not build; prime and the page run without it. */
  classifierSkipped?: string
}

function run (out: Output, args: string[], what: string): boolean {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' })
  if (result.status !== 0) out.warn(`${what} failed (${result.signal ?? `exit ${result.status}`}); see above`)
  return result.status === 0
}

/** Builds prime, the frontend and its page (required), and the classifier (optional). */
export function build (out: Output): Built {
  const tsc = fileURLToPath(import.meta.resolve('typescript/bin/tsc'))
  out.say('building (tsc -b, page)…')
  if (!run(out, [tsc, '-b', 'services/prime', 'services/frontend'], 'building prime and the frontend')) return { ok: false }
  const classifier = run(out, [tsc, '-b', 'services/classifier'], 'building the classifier')
  if (!run(out, ['services/frontend/scripts/build-page.mjs'], 'building the page')) return { ok: false }
  return classifier ? { ok: true } : { ok: true, classifierSkipped: 'it does not build (see the errors above)' }
}
