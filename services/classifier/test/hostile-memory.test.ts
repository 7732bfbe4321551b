import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, onTestFinished } from 'vitest'
import { freePort, spawnChild, waitForHttp } from '@inference-stack/kit/child'
import { DEFAULT_MAX_INPUT_PIXELS } from '../src/config.js'
import { budgetBytes } from '../src/lib/decode-budget.js'
import { MODELS_DIR, TEST_MODEL } from './model.js'
import { photo } from './photos.js'
import { heavyButAllowedJpeg, hostileCases } from './hostile.js'

const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url))
const PHOTOS = ['goldfish.jpg', 'tabby-cat.png', 'zebra-cmyk.jpg', 'domestic-cat-5360x3560.jpg', 'daisy.jpg', 'king-penguin-alpha.png']
const CLK_TCK = 100

/** Resident memory and its peak (MiB), and CPU seconds used so far by a process, from /proc. */
function usage (pid: number): { rssMiB: number, peakMiB: number, cpuS: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)![1]) / 1024
  return { rssMiB: kb('VmRSS'), peakMiB: kb('VmHWM'), cpuS: (Number(fields[11]) + Number(fields[12])) / CLK_TCK }
}

/** POSTs every body, `concurrency` at a time; the statuses in order. */
async function postAll (url: string, bodies: Array<{ body: Buffer, type: string }>, concurrency: number): Promise<number[]> {
  const statuses: number[] = []
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < bodies.length) {
      const i = next++
      const res = await fetch(`${url}/classify?topk=1`, { method: 'POST', body: new Uint8Array(bodies[i]!.body), headers: { 'content-type': bodies[i]!.type } })
      await res.arrayBuffer()
      statuses[i] = res.status
    }
  }))
  return statuses
}

describe('memory under hostile uploads (the real server as a child process)', () => {
  it('refuses a burst of hostile uploads without keeping memory or spending CPU on them, and keeps serving', async () => {
    const port = await freePort()
    const child = spawnChild('classifier', process.execPath, ['--import', 'tsx', SERVER], {
      // MALLOC_ARENA_MAX=2 as the container image and npm start set it.
      env: { MODEL: TEST_MODEL, MODELS_DIR, EXECUTION_PROVIDER: 'cpu', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), MALLOC_ARENA_MAX: '2' }
    })
    onTestFinished(async () => { await child.stop() })
    const url = `http://127.0.0.1:${port}`
    await waitForHttp(child, `${url}/readyz`)

    const photos = PHOTOS.map((name) => ({ body: photo(name), type: 'image/jpeg' }))
    // Steady state first: every photo a few times, 4 at once.
    expect(new Set(await postAll(url, [...photos, ...photos, ...photos], 4))).toEqual(new Set([200]))
    const baseline = usage(child.pid)

    const hostile = await hostileCases()
    const burst = Array.from({ length: 5 }, () => hostile).flat()
    const statuses = await postAll(url, burst, 8)
    const afterBurst = usage(child.pid)
    statuses.forEach((status, i) => expect(status, burst[i]!.name).toBe(burst[i]!.status))

    // Decodes the budget allows, however heavy (72 MiB of JPEG coefficients each), 4 at once (Node's
    // default UV_THREADPOOL_SIZE): the peak stays within 4 budgets, and the memory comes back.
    const heavy = { body: await heavyButAllowedJpeg(), type: 'image/jpeg' }
    const heavyRound = async (): Promise<ReturnType<typeof usage>> => {
      await postAll(url, Array.from({ length: 8 }, () => heavy), 4)
      expect(new Set(await postAll(url, photos, 4))).toEqual(new Set([200]))
      await new Promise((resolve) => setTimeout(resolve, 1000))
      return usage(child.pid)
    }
    // Four rounds: what stays is allocator caches, bounded whatever the number of uploads, not a growth per upload.
    const rounds: Array<ReturnType<typeof usage>> = []
    for (let i = 0; i < 4; i++) rounds.push(await heavyRound())
    const last = rounds.at(-1)!

    console.log(`classifier RSS: ${baseline.rssMiB.toFixed(0)} MiB after normal photos, ${afterBurst.rssMiB.toFixed(0)} MiB after ${burst.length} hostile uploads ` +
      `(${((afterBurst.cpuS - baseline.cpuS) * 1000 / burst.length).toFixed(1)} ms CPU each); after each round of 8 heavy allowed decodes and more photos ` +
      `${rounds.map((r) => r.rssMiB.toFixed(0)).join(', ')} MiB; peak ${last.peakMiB.toFixed(0)} MiB`)
    expect(afterBurst.rssMiB - baseline.rssMiB).toBeLessThan(32)
    // Refusals come from signatures and headers: a few ms of CPU each, never a decode.
    expect((afterBurst.cpuS - baseline.cpuS) / burst.length).toBeLessThan(0.02)
    // Heavy decodes leave allocator caches (measured 25-80 MiB after 8 to 32 of them), not a growth per upload.
    for (const round of rounds) expect(round.rssMiB - baseline.rssMiB).toBeLessThan(160)
    expect(last.peakMiB - baseline.rssMiB).toBeLessThan(4 * budgetBytes(DEFAULT_MAX_INPUT_PIXELS) / 2 ** 20 + 64)
  })
})
