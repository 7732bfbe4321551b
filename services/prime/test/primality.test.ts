import { describe, expect, it } from 'vitest'
import { isStrongLucasProbablePrime } from '../src/lib/lucas.js'
import {
  bailliePSW, checkPrimality, isStrongProbablePrime, MILLER_RABIN_BASES, MILLER_RABIN_BOUND, millerRabin
} from '../src/lib/primality.js'

const LIMIT = 1_000_000
const composite = new Uint8Array(LIMIT)
composite[0] = composite[1] = 1
for (let i = 2; i * i < LIMIT; i++) {
  if (composite[i] === 0) for (let j = i * i; j < LIMIT; j += i) composite[j] = 1
}
const isSievePrime = (n: number) => composite[n] === 0

/** Numbers below LIMIT where `test` disagrees with the sieve. */
function disagreements (test: (n: bigint) => boolean, from: number, step: number): number[] {
  const wrong: number[] = []
  for (let n = from; n < LIMIT; n += step) if (test(BigInt(n)) !== isSievePrime(n)) wrong.push(n)
  return wrong
}

describe('checkPrimality against a sieve', () => {
  it('agrees with the sieve of Eratosthenes for every n below 10^6', () => {
    expect(disagreements((n) => checkPrimality(n).isPrime, 0, 1)).toEqual([])
  })

  it('has Miller-Rabin with 13 bases agree with the sieve for every odd n from 3 to 10^6', () => {
    expect(disagreements(millerRabin, 3, 2)).toEqual([])
  })

  it('has Baillie-PSW agree with the sieve for every odd n from 3 to 10^6', () => {
    expect(disagreements(bailliePSW, 3, 2)).toEqual([])
  })

  it('calls 0 and 1 not prime by definition', () => {
    expect(checkPrimality(0n)).toEqual({ isPrime: false, method: 'definition' })
    expect(checkPrimality(1n)).toEqual({ isPrime: false, method: 'definition' })
  })

  it('reports the smallest prime factor found by trial division', () => {
    expect(checkPrimality(91n)).toEqual({ isPrime: false, method: 'trial-division', factor: 7n })
    expect(checkPrimality(2n ** 4000n)).toEqual({ isPrime: false, method: 'trial-division', factor: 2n })
    expect(checkPrimality(997n * 1_000_000_007n)).toMatchObject({ factor: 997n })
  })
})

describe('checkPrimality on hard composites', () => {
  it('finds every Carmichael number composite', () => {
    for (const n of [561n, 1105n, 1729n, 2465n, 2821n, 6601n, 8911n, 3215031751n]) {
      expect(checkPrimality(n).isPrime, String(n)).toBe(false)
    }
  })

  it('finds a Carmichael number without factors below 1000 composite by Miller-Rabin', () => {
    // 1171 * 2341 * 3511, Chernick's form (6k+1)(12k+1)(18k+1) with k = 195.
    expect(checkPrimality(9_624_742_921n)).toEqual({ isPrime: false, method: 'miller-rabin' })
  })

  it('finds 3215031751, a strong pseudoprime to bases 2, 3, 5 and 7, composite by the 13-base test', () => {
    for (const a of [2n, 3n, 5n, 7n]) expect(isStrongProbablePrime(3_215_031_751n, a)).toBe(true)
    expect(millerRabin(3_215_031_751n)).toBe(false)
  })

  it('finds base-2 strong pseudoprimes composite', () => {
    for (const n of [2047n, 3277n, 4033n, 4681n, 8321n, 25_326_001n]) {
      expect(isStrongProbablePrime(n, 2n), String(n)).toBe(true)
      expect(checkPrimality(n).isPrime, String(n)).toBe(false)
      expect(bailliePSW(n), String(n)).toBe(false)
    }
  })

  it('finds the strong pseudoprimes to the first 9 and the first 12 prime bases composite', () => {
    expect(checkPrimality(3_825_123_056_546_413_051n)).toEqual({ isPrime: false, method: 'miller-rabin' })
    expect(checkPrimality(318_665_857_834_031_151_167_461n)).toEqual({ isPrime: false, method: 'miller-rabin' })
    for (const a of MILLER_RABIN_BASES.slice(0, 12)) expect(isStrongProbablePrime(318_665_857_834_031_151_167_461n, a)).toBe(true)
  })

  it('uses Baillie-PSW from 3317044064679887385961981, which fools all 13 Miller-Rabin bases', () => {
    expect(MILLER_RABIN_BOUND).toBe(3_317_044_064_679_887_385_961_981n)
    expect(millerRabin(MILLER_RABIN_BOUND)).toBe(true)
    expect(checkPrimality(MILLER_RABIN_BOUND)).toEqual({ isPrime: false, method: 'baillie-psw' })
  })

  it('finds exactly the known strong Lucas pseudoprimes below 200000 (OEIS A217255)', () => {
    const found: number[] = []
    for (let n = 3; n < 200_000; n += 2) {
      if (!checkPrimality(BigInt(n)).isPrime && isStrongLucasProbablePrime(BigInt(n))) found.push(n)
    }
    expect(found).toEqual([5459, 5777, 10877, 16109, 18971, 22499, 24569, 25199, 40309, 58519, 75077, 97439,
      100127, 113573, 115639, 130139, 155819, 158399, 161027, 162133, 176399, 176471, 189419, 192509, 197801])
    for (const n of found) expect(bailliePSW(BigInt(n))).toBe(false)
  })

  it('finds perfect squares of large primes composite', () => {
    const p = 2n ** 89n - 1n
    expect(checkPrimality(p * p)).toEqual({ isPrime: false, method: 'baillie-psw' })
    expect(isStrongLucasProbablePrime(p * p)).toBe(false)
  })

  it('finds products of two large primes composite', () => {
    const p30 = 100000000000000000000000000319n
    const q30 = 110000000000000000000000000351n
    expect(checkPrimality(p30).isPrime).toBe(true)
    expect(checkPrimality(q30).isPrime).toBe(true)
    expect(checkPrimality(p30 * q30)).toEqual({ isPrime: false, method: 'baillie-psw' })
    expect(checkPrimality((2n ** 89n - 1n) * (2n ** 107n - 1n))).toEqual({ isPrime: false, method: 'baillie-psw' })
  })
})

describe('checkPrimality on large primes', () => {
  it('finds a 40-digit prime prime', () => {
    expect(checkPrimality(10n ** 39n + 3n)).toEqual({ isPrime: true, method: 'baillie-psw' })
  })

  it('finds the Mersenne primes 2^521-1, 2^607-1 and 2^1279-1 prime and their neighbours composite', () => {
    for (const e of [521n, 607n, 1279n]) {
      const m = 2n ** e - 1n
      expect(checkPrimality(m), `2^${e}-1`).toEqual({ isPrime: true, method: 'baillie-psw' })
      expect(checkPrimality(m - 2n).isPrime, `2^${e}-3`).toBe(false)
      expect(checkPrimality(m + 2n).isPrime, `2^${e}+1`).toBe(false)
    }
  })

  it('finds the 1000-digit prime 10^999+7 prime and 10^999+9 composite, as sympy does', () => {
    expect(checkPrimality(10n ** 999n + 7n)).toEqual({ isPrime: true, method: 'baillie-psw' })
    expect(checkPrimality(10n ** 999n + 9n).isPrime).toBe(false)
  })

  it('finds 2^61-1 prime by Miller-Rabin and 2^89-1 prime by Baillie-PSW', () => {
    expect(checkPrimality(2n ** 61n - 1n)).toEqual({ isPrime: true, method: 'miller-rabin' })
    expect(checkPrimality(2n ** 89n - 1n)).toEqual({ isPrime: true, method: 'baillie-psw' })
  })
})
