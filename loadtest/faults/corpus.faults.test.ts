import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect } from 'vitest'
import { TEST_MODEL } from '@inference-stack/test-assets'
import { curlCases } from './corpus/curl.js'
import { primeCases } from './corpus/prime.js'
import { protocolCases, type BodyRoute } from './corpus/protocol.js'
import { uploadCases } from './corpus/uploads.js'
import { v2Cases } from './corpus/v2.js'
import { answerProblems } from './lib/answer.js'
import { expectationFor, publicPath, sendCase, type Case, type Via } from './lib/cases.js'
import { curl } from './lib/curl.js'
import { startFaultStack } from './lib/fault-stack.js'
import { watchMemory } from './lib/memory-case.js'
import { normalRequest } from './lib/normal.js'
import { rawRequest } from './lib/raw-http.js'
import { FaultGroup } from './lib/report.js'

// The corpus: every case to the service directly and through the frontend. Each answer must be
// JSON of its route's shape, a 4xx for a client's mistake (never a 500, never a trace), and the
// service must serve a normal request right after it.
const stack = await startFaultStack()
afterAll(async () => { await stack.close() })
const memory = watchMemory(stack)

const metadata = await (await fetch(`${stack.url('classifier')}/v2/models/${TEST_MODEL}`)).json() as { inputs: Array<{ name: string }> }
const corpus: Record<string, Case[]> = {
  uploads: await uploadCases(),
  'KServe v2 bodies': await v2Cases({ name: TEST_MODEL, inputName: metadata.inputs[0]?.name ?? 'input' }),
  'prime inputs': primeCases()
}

function runCorpus (title: string, cases: Case[], via: Via, order: number): void {
  const group = new FaultGroup(`${title} ${via === 'frontend' ? 'through the frontend' : 'to the service'}`, order)
  describe(group.name, () => {
    for (const c of cases.filter((c) => c.via === undefined || c.via.includes(via))) {
      group.case(c.name, async ({ observe }) => {
        const base = stack.url(via === 'frontend' ? 'frontend' : c.service)
        const answer = await sendCase(c, base, via)
        observe(answer.ms)
        // As one string, so the report's first line says what was wrong.
        expect(answerProblems(answer, expectationFor(c, via)).join('; '), c.name).toBe('')
        const after = await normalRequest(stack, c.service, via)
        expect(after.status, `a normal request right after: ${after.body.slice(0, 200)}`).toBe(200)
      })
    }
  })
}

let order = 10
for (const [title, cases] of Object.entries(corpus)) {
  runCorpus(title, cases, 'direct', order++)
  runCorpus(title, cases, 'frontend', order++)
}

const curlDir = await mkdtemp(join(tmpdir(), 'faults-corpus-'))
afterAll(async () => { await rm(curlDir, { recursive: true, force: true }) })
const curled = await curlCases(curlDir)
const withCurl = new FaultGroup('uploads and checks with the curl binary', order++)
describe(withCurl.name, () => {
  for (const via of ['direct', 'frontend'] as Via[]) {
    for (const c of curled) {
      withCurl.case(`${c.name} (${via === 'frontend' ? 'through the frontend' : 'to the service'})`, async ({ observe }) => {
        const base = stack.url(via === 'frontend' ? 'frontend' : c.service)
        const answer = await curl(base + (via === 'frontend' ? publicPath(c.service, c.path) : c.path), c.args)
        observe(answer.ms)
        const code = (JSON.parse(answer.body || '{}') as { error?: { code?: string } }).error?.code
        expect({ status: answer.status, json: /^application\/json/.test(answer.contentType), code: c.codes === undefined || c.codes.includes(code ?? '') ? 'as expected' : code },
          answer.body.slice(0, 200)).toEqual({ status: c.status, json: true, code: 'as expected' })
        if (c.bodyUnsent === true) expect(answer.uploaded, 'bytes of the body curl sent before the answer').toBe(0)
        const after = await normalRequest(stack, c.service, via)
        expect(after.status, `a normal request right after: ${after.body.slice(0, 200)}`).toBe(200)
      })
    }
  }
})

const protocol = new FaultGroup('HTTP abuse (each server)', order++)
/** A route of each server that reads a request body, with a content type it takes. */
const BODY_ROUTES: Record<'frontend' | 'prime' | 'classifier', BodyRoute> = {
  frontend: { path: '/api/prime/check', type: 'application/json' },
  prime: { path: '/check', type: 'application/json' },
  classifier: { path: '/classify', type: 'application/octet-stream' }
}
describe(protocol.name, () => {
  for (const server of ['frontend', 'prime', 'classifier'] as const) {
    for (const c of protocolCases()) {
      protocol.case(`${server}: ${c.name}`, async ({ observe }) => {
        const base = stack.url(server)
        const answer = await rawRequest(base, c.parts(new URL(base).host, BODY_ROUTES[server]), { timeoutMs: 10_000, awaitClose: c.expect.closes === true })
        observe(answer.ms)
        const problems = answerProblems(answer, c.expect)
        const header = answer.status === 0 ? undefined : c.headers?.(answer.headers, answer.version)
        expect([...problems, ...(header === undefined ? [] : [header])].join('; '), c.name).toBe('')
        const after = await fetch(`${base}/healthz`)
        expect(after.status).toBe(200)
      })
    }
  }
})

const afterwards = new FaultGroup('after the corpus', order++)
describe(afterwards.name, () => {
  memory.check(afterwards)
  afterwards.case('no service logged at ERROR for a client\'s mistake', async () => {
    expect(stack.errors().map((e) => `${e.service}: ${e.line.slice(0, 300)}`)).toEqual([])
  })
})
