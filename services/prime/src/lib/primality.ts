import { isStrongLucasProbablePrime } from './lucas.js'
import { modPow } from './modular.js'

/** How the answer was reached, from cheapest to most general. */
export type PrimalityMethod = 'definition' | 'trial-division' | 'miller-rabin' | 'baillie-psw'

export interface PrimalityResult {
  isPrime: boolean
  method: PrimalityMethod
  /** A prime factor below {@link TRIAL_DIVISION_LIMIT}, when trial division found one. */
  factor?: bigint
}

/** Trial division uses every prime below this; it alone decides every n below its square. */
export const TRIAL_DIVISION_LIMIT = 1000n

/** The first 13 primes: Miller-Rabin with these bases is exact below {@link MILLER_RABIN_BOUND}. */
export const MILLER_RABIN_BASES = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n]

/**
 * The smallest strong pseudoprime to all of {@link MILLER_RABIN_BASES} (OEIS A014233, psi_13;
 * Sorenson and Webster 2015). Below it the 13-base test is deterministic.
 */
export const MILLER_RABIN_BOUND = 3_317_044_064_679_887_385_961_981n

export const SMALL_PRIMES: readonly bigint[] = (() => {
  const limit = Number(TRIAL_DIVISION_LIMIT)
  const composite = new Uint8Array(limit)
  const primes: bigint[] = []
  for (let i = 2; i < limit; i++) {
    if (composite[i] === 1) continue
    primes.push(BigInt(i))
    for (let j = i * i; j < limit; j += i) composite[j] = 1
  }
  return primes
})()

/** Strong probable-prime test to base `a` for odd n > 2 (one Miller-Rabin round). */
export function isStrongProbablePrime (n: bigint, a: bigint): boolean {
  const base = a % n
  if (base === 0n) return true
  let d = n - 1n
  let s = 0
  while ((d & 1n) === 0n) { d >>= 1n; s++ }
  let x = modPow(base, d, n)
  if (x === 1n || x === n - 1n) return true
  for (let r = 1; r < s; r++) {
    x = x * x % n
    if (x === n - 1n) return true
    if (x === 1n) return false
  }
  return false
}

/** Deterministic Miller-Rabin for odd 2 < n < {@link MILLER_RABIN_BOUND}. */
export function millerRabin (n: bigint): boolean {
  return MILLER_RABIN_BASES.every((a) => isStrongProbablePrime(n, a))
}

/** Baillie-PSW for odd n > 2: a strong base-2 test, then a strong Lucas test. No counterexample is known. */
export function bailliePSW (n: bigint): boolean {
  return isStrongProbablePrime(n, 2n) && isStrongLucasProbablePrime(n)
}

/**
 * Decides whether `n` is prime, exactly below {@link MILLER_RABIN_BOUND} and by Baillie-PSW above it.
 * Composites with a prime factor below {@link TRIAL_DIVISION_LIMIT} come back with that factor.
 */
export function checkPrimality (n: bigint): PrimalityResult {
  if (n < 2n) return { isPrime: false, method: 'definition' }
  for (const p of SMALL_PRIMES) {
    if (n === p) return { isPrime: true, method: 'trial-division' }
    if (n % p === 0n) return { isPrime: false, method: 'trial-division', factor: p }
  }
  if (n < TRIAL_DIVISION_LIMIT * TRIAL_DIVISION_LIMIT) return { isPrime: true, method: 'trial-division' }
  if (n < MILLER_RABIN_BOUND) return { isPrime: millerRabin(n), method: 'miller-rabin' }
  return { isPrime: bailliePSW(n), method: 'baillie-psw' }
}
