/** Deterministic test numbers for the prime scenarios: the same run twice sends the same numbers. */

const SMALL_PRIMES = [3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97].map(BigInt)
const WITNESSES = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n]

/** xorshift64*: a small seeded generator, enough to pick reproducible test numbers. */
export function seeded (seed: bigint): () => bigint {
  let x = seed
  return () => {
    x ^= x >> 12n
    x ^= (x << 25n) & 0xffffffffffffffffn
    x ^= x >> 27n
    return (x * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn
  }
}

function modPow (base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n
  let b = base % mod
  let e = exp
  while (e > 0n) {
    if ((e & 1n) === 1n) result = result * b % mod
    b = b * b % mod
    e >>= 1n
  }
  return result
}

function passesRound (a: bigint, d: bigint, s: number, n: bigint): boolean {
  let x = modPow(a, d, n)
  if (x === 1n || x === n - 1n) return true
  for (let i = 1; i < s; i++) {
    x = x * x % n
    if (x === n - 1n) return true
  }
  return false
}

/** Miller-Rabin with 13 fixed bases: used only to pick test inputs, the service under test decides. */
export function isProbablePrime (n: bigint): boolean {
  if (n < 2n) return false
  for (const p of SMALL_PRIMES) if (n % p === 0n) return n === p
  if (n % 2n === 0n) return n === 2n
  let d = n - 1n
  let s = 0
  while ((d & 1n) === 0n) { d >>= 1n; s++ }
  return WITNESSES.every((a) => passesRound(a, d, s, n))
}

/** A random number with exactly `digits` decimal digits. */
export function randomWithDigits (digits: number, next: () => bigint): bigint {
  let s = ''
  while (s.length < digits) s += next().toString().padStart(19, '0').slice(1)
  const body = s.slice(0, digits)
  return BigInt((body[0] === '0' ? '1' : '') + body.slice(body[0] === '0' ? 1 : 0))
}

export function nextPrime (from: bigint): bigint {
  let n = from % 2n === 0n ? from + 1n : from
  while (!isProbablePrime(n)) n += 2n
  return n
}

/** `count` primes and `count` semiprimes (two primes of half the digits), all with `digits` digits. */
export function primesAndComposites (digits: number, count: number, seed = 0x5eedn): { primes: bigint[], composites: bigint[] } {
  const next = seeded(seed)
  const primes: bigint[] = []
  const composites: bigint[] = []
  while (primes.length < count) {
    const p = nextPrime(randomWithDigits(digits, next))
    if (p.toString().length === digits) primes.push(p)
  }
  while (composites.length < count) {
    const half = Math.ceil(digits / 2)
    const c = nextPrime(randomWithDigits(half, next)) * nextPrime(randomWithDigits(digits - half, next))
    if (c.toString().length === digits) composites.push(c)
  }
  return { primes, composites }
}
