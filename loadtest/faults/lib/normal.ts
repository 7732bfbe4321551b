import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { testImagesDir } from '@inference-stack/test-assets'
import { publicPath, type Backend, type Via } from './cases.js'
import type { FaultStack } from './fault-stack.js'

let goldfish: Buffer | undefined

/** The small test photo: what a normal classification sends. */
export async function normalPhoto (): Promise<Buffer> {
  goldfish ??= await readFile(join(await testImagesDir(), 'goldfish.jpg'))
  return goldfish
}

export interface NormalAnswer { status: number, ms: number, body: string, headers: Headers }

/**
 * A normal request to a backend, directly or through the frontend: a photo to classify, or a
 * small prime check. What must keep working whatever came before.
 */
export async function normalRequest (stack: FaultStack, service: Backend, via: Via, timeoutMs = 30_000): Promise<NormalAnswer> {
  const base = stack.url(via === 'frontend' ? 'frontend' : service)
  const path = service === 'prime' ? '/check/97' : '/classify'
  const url = base + (via === 'frontend' ? publicPath(service, path) : path)
  const started = performance.now()
  const init: RequestInit = service === 'prime'
    ? {}
    : { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: new Uint8Array(await normalPhoto()) }
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })
    const body = await res.text()
    return { status: res.status, ms: performance.now() - started, body, headers: res.headers }
  } catch (err) {
    return { status: 0, ms: performance.now() - started, body: String((err as Error).cause ?? err), headers: new Headers() }
  }
}
