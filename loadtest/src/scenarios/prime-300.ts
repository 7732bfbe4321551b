import { primesAndComposites } from './numbers.js'
import type { Scenario } from './scenario.js'
import { primePath } from './scenario.js'

const DIGITS = 300
const COUNT = 4
let cached: bigint[] | undefined

/** 300-digit primes and semiprimes, interleaved: Baillie-PSW territory, CPU-bound. */
export function numbers300 (): bigint[] {
  if (cached === undefined) {
    const { primes, composites } = primesAndComposites(DIGITS, COUNT)
    cached = primes.flatMap((p, i) => [p, composites[i] as bigint])
  }
  return cached
}

export const prime300: Scenario = {
  name: 'prime-300',
  description: 'GET /check/:n with generated 300-digit primes and semiprimes',
  backend: 'prime',
  routes: ['direct', 'frontend'],
  services: (route) => route === 'frontend' ? ['prime', 'frontend'] : ['prime'],
  requests: async (route) => numbers300().map((n) => ({ method: 'GET', path: primePath(route, `/check/${n}`) }))
}
