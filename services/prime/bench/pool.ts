// The check pool against inline checks, side by side (part of `npm run bench:prime`): the cost of
// one check by size, which sets PRIME_WORKER_MIN_DIGITS, and how long the event loop (and so
// /healthz) stalls while big checks run.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { DEFAULT_WORKERS } from '../src/config.js'
import { decide, type ParsedNumber } from '../src/lib/check.js'
import { createCheckPool } from '../src/lib/check-pool.js'
import { checkPrimality } from '../src/lib/primality.js'

const MIN_MS = 500
const STALL_CHECKS = 4

const parsed = (n: bigint): ParsedNumber => ({ ok: true, value: n, canonical: n.toString(), digits: n.toString().length })

function nextPrime (from: bigint): bigint {
  let n = from | 1n
  while (!checkPrimality(n).isPrime) n += 2n
  return n
}

/** Milliseconds per call, calls one after another for at least MIN_MS. */
async function perCall (work: () => unknown): Promise<number> {
  let calls = 0
  const started = performance.now()
  while (performance.now() - started < MIN_MS || calls < 3) { await work(); calls++ }
  return (performance.now() - started) / calls
}

/** The longest gap between ticks of a 1 ms timer while `work` runs: what a health check would wait. */
async function longestStall (work: () => Promise<unknown>): Promise<number> {
  let last = performance.now()
  let longest = 0
  const timer = setInterval(() => {
    const now = performance.now()
    longest = Math.max(longest, now - last)
    last = now
  }, 1)
  await work()
  clearInterval(timer)
  return longest
}

export async function benchPool (): Promise<void> {
  const single = await createCheckPool({ size: 1, maxQueue: 1000 })
  const pool = await createCheckPool({ size: DEFAULT_WORKERS, maxQueue: 1000 })
  try {
    console.log('\nOne check of a prime at a time: inline vs one worker (ms per check; the difference is the hop)')
    console.log('digits | inline ms | worker ms | worker - inline ms')
    for (const digits of [2, 20, 40, 60, 80, 100, 200]) {
      const number = parsed(digits === 2 ? 97n : nextPrime(10n ** BigInt(digits - 1)))
      const inline = await perCall(() => decide(number))
      const worker = await perCall(async () => await single.run([number]))
      console.log(`${digits} | ${inline.toFixed(3)} | ${worker.toFixed(3)} | ${(worker - inline).toFixed(3)}`)
    }

    const big = parsed(10n ** 999n + 7n)
    console.log(`\n${STALL_CHECKS} concurrent checks of 10^999+7: longest event-loop stall (what /healthz waits) and total time`)
    console.log('where | longest stall ms | total ms')
    for (const [where, run] of [
      // As the route ran them before the pool: one request after another on the event loop.
      ['inline', async () => { for (let i = 0; i < STALL_CHECKS; i++) { await yieldToEventLoop(); decide(big) } }],
      [`pool of ${DEFAULT_WORKERS}`, async () => await Promise.all(Array.from({ length: STALL_CHECKS }, async () => await pool.run([big])))]
    ] as const) {
      const started = performance.now()
      const stall = await longestStall(run)
      console.log(`${where} | ${stall.toFixed(1)} | ${(performance.now() - started).toFixed(0)}`)
    }
  } finally {
    await Promise.all([single.close(), pool.close()])
  }
}
