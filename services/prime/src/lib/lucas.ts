import { isqrt, jacobi } from './modular.js'

/** Selfridge's method A: the first D in 5, -7, 9, -11, ... with (D/n) = -1, or the proof that n is composite. */
function selfridge (n: bigint): bigint | 'composite' {
  const root = isqrt(n)
  // A perfect square never yields (D/n) = -1: the search would not end.
  if (root * root === n) return 'composite'
  for (let d = 5n; ; d = d > 0n ? -(d + 2n) : -d + 2n) {
    const j = jacobi(d, n)
    if (j === -1) return d
    // (D/n) = 0 means gcd(|D|, n) > 1: a proper factor unless |D| is n itself.
    if (j === 0 && (d < 0n ? -d : d) !== n) return 'composite'
  }
}

/**
 * Strong Lucas probable-prime test with Selfridge's parameters (P = 1, Q = (1 - D) / 4),
 * as in Baillie and Wagstaff (1980). `n` must be odd and > 2.
 */
export function isStrongLucasProbablePrime (n: bigint): boolean {
  const found = selfridge(n)
  if (found === 'composite') return false
  const D = found
  const Q = (1n - D) / 4n
  const mod = (x: bigint): bigint => { const r = x % n; return r < 0n ? r + n : r }
  const half = (x: bigint): bigint => ((x & 1n) === 1n ? x + n : x) >> 1n

  let d = n + 1n
  let s = 0
  while ((d & 1n) === 0n) { d >>= 1n; s++ }

  // U_k, V_k and Q^k for k = the leading bits of d read so far; P = 1.
  let U = 1n
  let V = 1n
  let Qk = mod(Q)
  const bits = d.toString(2)
  for (let i = 1; i < bits.length; i++) {
    U = U * V % n
    V = mod(V * V - 2n * Qk)
    Qk = Qk * Qk % n
    if (bits[i] === '1') {
      ;[U, V] = [half(U + V) % n, half(mod(D * U + V)) % n]
      Qk = mod(Qk * Q)
    }
  }
  if (U === 0n || V === 0n) return true
  for (let r = 1; r < s; r++) {
    V = mod(V * V - 2n * Qk)
    if (V === 0n) return true
    Qk = Qk * Qk % n
  }
  return false
}
