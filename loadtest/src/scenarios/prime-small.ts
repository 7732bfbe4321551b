import type { Scenario } from './scenario.js'
import { primePath } from './scenario.js'

/** Small numbers: primes, composites, a Carmichael number, a 10-digit prime; the framework cost dominates. */
export const SMALL_NUMBERS = ['97', '91', '2', '1', '7919', '561', '65537', '999983', '1000000', '1000000007']

export const primeSmall: Scenario = {
  name: 'prime-small',
  description: 'GET /check/:n with numbers up to 10 digits',
  backend: 'prime',
  routes: ['direct', 'frontend'],
  services: (route) => route === 'frontend' ? ['prime', 'frontend'] : ['prime'],
  requests: async (route) => SMALL_NUMBERS.map((n) => ({ method: 'GET', path: primePath(route, `/check/${n}`) }))
}
