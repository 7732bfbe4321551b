/** `base^exponent mod m` by left-to-right binary exponentiation; `m` > 1, `exponent` >= 0. */
export function modPow (base: bigint, exponent: bigint, m: bigint): bigint {
  const b = ((base % m) + m) % m
  const bits = exponent.toString(2)
  let r = 1n
  for (let i = 0; i < bits.length; i++) {
    r = r * r % m
    if (bits[i] === '1') {
      if (b === 2n) {
        // Base 2 needs a shift, not a multiplication: the common case in Baillie-PSW.
        r <<= 1n
        if (r >= m) r -= m
      } else {
        r = r * b % m
      }
    }
  }
  return r
}

/** Floor of the square root of `n` >= 0, by Newton's method from above. */
export function isqrt (n: bigint): bigint {
  if (n < 2n) return n
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2))
  for (;;) {
    const y = (x + n / x) >> 1n
    if (y >= x) return x
    x = y
  }
}

/** The Jacobi symbol (a/n) for odd n > 0: -1, 0 or 1. */
export function jacobi (a: bigint, n: bigint): -1 | 0 | 1 {
  let x = ((a % n) + n) % n
  let y = n
  let result: -1 | 1 = 1
  while (x !== 0n) {
    while ((x & 1n) === 0n) {
      x >>= 1n
      const r = y & 7n
      if (r === 3n || r === 5n) result = result === 1 ? -1 : 1
    }
    ;[x, y] = [y, x]
    if ((x & 3n) === 3n && (y & 3n) === 3n) result = result === 1 ? -1 : 1
    x %= y
  }
  return y === 1n ? result : 0
}
