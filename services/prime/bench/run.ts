// Primality throughput by size: `npm run bench:prime` (10, 100 and 1000 digits) or
// `npm run bench:prime -- 2000 5000` for other sizes, then the check pool against inline checks
// (`--no-pool` skips that part). Figures in services/prime/README.md.
import { cpus } from 'node:os'
import { isStrongLucasProbablePrime } from '../src/lib/lucas.js'
import { checkPrimality, isStrongProbablePrime } from '../src/lib/primality.js'
import { benchPool } from './pool.js'

/** Primes just above 10^(d-1), by digit count d (cross-checked against sympy.nextprime). */
const KNOWN_PRIMES: Record<number, bigint> = { 10: 10n ** 9n + 7n, 100: 10n ** 99n + 289n, 1000: 10n ** 999n + 7n }
const MIN_SECONDS = 1
const RANDOM_SAMPLES = 50

/** A fixed sequence of pseudo-random odd numbers with exactly `digits` digits (xorshift32, seeded). */
function randomOdd (digits: number, count: number): bigint[] {
  let state = 0x2545f491 ^ digits
  const next = () => { state ^= state << 13; state ^= state >>> 17; state ^= state << 5; return (state >>> 0) % 10 }
  return Array.from({ length: count }, () => {
    let s = String(1 + (next() % 9))
    while (s.length < digits) s += String(next())
    return BigInt(s) | 1n
  })
}

/** Runs `work` over `inputs` round-robin for at least MIN_SECONDS and `minCalls`; returns calls per second. */
function rate (inputs: bigint[], work: (n: bigint) => unknown, minCalls = 3): number {
  let calls = 0
  const started = performance.now()
  while (performance.now() - started < MIN_SECONDS * 1000 || calls < minCalls) work(inputs[calls++ % inputs.length] as bigint)
  return calls / ((performance.now() - started) / 1000)
}

const sizes = process.argv.slice(2).map(Number).filter((d) => Number.isInteger(d) && d > 0)
const digitsList = sizes.length > 0 ? sizes : [10, 100, 1000]
console.log(`prime bench: node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, single thread`)
console.log('digits | random odd checks/s | prime checks/s | worst case ms (both Baillie-PSW halves in full)')
let previousWorst: number | undefined
rate(randomOdd(100, 10), checkPrimality) // warm up the JIT before the first row
for (const digits of digitsList) {
  const odd = randomOdd(digits, RANDOM_SAMPLES)
  const oddRate = rate(odd, checkPrimality)
  const prime = KNOWN_PRIMES[digits]
  if (prime !== undefined && !checkPrimality(prime).isPrime) throw new Error(`10^${digits - 1} + ${prime - 10n ** BigInt(digits - 1)} should be prime`)
  const primeRate = prime === undefined ? undefined : rate([prime], checkPrimality)
  // What a prime of this size costs, measured on a number without small factors: on such a number
  // both halves of Baillie-PSW run to the end whatever the answer.
  const n = randomOdd(digits, 1000).find((c) => checkPrimality(c).method !== 'trial-division') as bigint
  const worst = 1000 / rate([n], (c) => [isStrongProbablePrime(c, 2n), isStrongLucasProbablePrime(c)], 1)
  const ratio = previousWorst === undefined ? '' : ` (x${(worst / previousWorst).toFixed(1)} the previous size)`
  console.log(`${digits} | ${oddRate.toFixed(1)} | ${primeRate?.toFixed(1) ?? '-'} | ${worst.toFixed(2)}${ratio}`)
  previousWorst = worst
}
if (!process.argv.includes('--no-pool')) await benchPool()
