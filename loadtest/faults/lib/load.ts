import { Pool } from 'undici'
import type { LoadRequest } from '../../src/load-request.js'

/** One answer of a load run: when its request was due, when the answer ended, its status (0: no answer). */
export interface Sample { dueMs: number, doneMs: number, status: number, retryAfter: boolean, json: boolean, error?: string }

const REQUEST_TIMEOUT_MS = 60_000

async function send (pool: Pool, r: LoadRequest, dueMs: number, origin: number, signal?: AbortSignal): Promise<Sample> {
  try {
    const res = await pool.request({ method: r.method, path: r.path, headers: r.headers, body: r.body, ...(signal === undefined ? {} : { signal }) })
    const text = await res.body.text()
    let json = true
    try { JSON.parse(text) } catch { json = false }
    return { dueMs, doneMs: performance.now() - origin, status: res.statusCode, retryAfter: res.headers['retry-after'] !== undefined, json }
  } catch (err) {
    return { dueMs, doneMs: performance.now() - origin, status: 0, retryAfter: false, json: false, error: (err as { code?: string }).code ?? (err as Error).message }
  }
}

export function loadPool (url: string, connections: number): Pool {
  return new Pool(new URL(url).origin, { connections, headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS, keepAliveTimeout: 10_000 })
}

/** Closed loop: `connections` clients, each sending its next request when its answer came, for `seconds`. */
export async function closedLoop (url: string, requests: LoadRequest[], connections: number, seconds: number): Promise<Sample[]> {
  const pool = loadPool(url, connections)
  const origin = performance.now()
  const samples: Sample[] = []
  let next = 0
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() - origin < seconds * 1000) {
      const r = requests[next++ % requests.length] as LoadRequest
      samples.push(await send(pool, r, performance.now() - origin, origin))
    }
  }))
  await pool.close()
  return samples
}

export interface OpenLoopRun {
  samples: Sample[]
  /** When the last request was due (the end of the offered load), ms from the start. */
  endMs: number
  /** Resolves when every answer is in. */
  settled: Promise<Sample[]>
}

/**
 * Open loop: request i is due at i / rate whatever the server answers, for `seconds`; latency
 * runs from the due time (a request waiting for one of the `connections` counts that wait).
 * Resolves when the last request is sent; `settled` when every answer is in.
 */
export async function openLoop (url: string, requests: LoadRequest[], rate: number, seconds: number, connections: number): Promise<OpenLoopRun> {
  const pool = loadPool(url, connections)
  const origin = performance.now()
  const samples: Sample[] = []
  const inFlight: Array<Promise<void>> = []
  const count = Math.round(rate * seconds)
  for (let i = 0; i < count; i++) {
    const due = (i * 1000) / rate
    const wait = due - (performance.now() - origin)
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait))
    inFlight.push(send(pool, requests[i % requests.length] as LoadRequest, due, origin).then((s) => { samples.push(s) }))
  }
  const endMs = performance.now() - origin
  const settled = Promise.all(inFlight).then(async () => { await pool.close(); return samples })
  return { samples, endMs, settled }
}

/** Latency (answer end minus due time) of the samples with `status`. */
export const latencies = (samples: Sample[], status: number): number[] => samples.filter((s) => s.status === status).map((s) => s.doneMs - s.dueMs)

/**
 * Polls `probe` every `everyMs` until it answers 200: the time that took, or null when it did
 * not within `limitMs`.
 */
export async function timeTo200 (probe: () => Promise<number>, limitMs: number, everyMs = 100): Promise<number | null> {
  const started = performance.now()
  while (performance.now() - started < limitMs) {
    if (await probe() === 200) return performance.now() - started
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
  return null
}
