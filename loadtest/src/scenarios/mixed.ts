import type { LoadRequest } from '../load-request.js'
import { loadPhotos, uploadBody } from './images.js'
import { numbers300 } from './prime-300.js'
import { SMALL_NUMBERS } from './prime-small.js'
import type { Scenario } from './scenario.js'

/**
 * A user-like mix through the frontend, per cycle of 12 requests: 8 small
 * prime checks, 1 300-digit check, 1 page load, 2 photo classifications.
 */
export const mixed: Scenario = {
  name: 'mixed',
  description: 'prime checks, page loads and classifications through the frontend',
  backend: 'frontend',
  routes: ['frontend'],
  services: () => ['prime', 'classifier', 'frontend'],
  requests: async (_route, opts) => {
    const photos = await loadPhotos()
    const big = numbers300()
    const out: LoadRequest[] = []
    for (let i = 0; i < photos.length; i++) {
      const cycle: LoadRequest[] = SMALL_NUMBERS.slice(0, 8).map((n) => ({ method: 'GET', path: `/api/prime/check/${n}` }))
      cycle.splice(2, 0, { method: 'GET', path: '/' })
      cycle.splice(4, 0, { method: 'GET', path: `/api/prime/check/${big[i % big.length] ?? 97n}` })
      for (const k of [0, 1]) {
        const photo = photos[(2 * i + k) % photos.length]
        if (photo !== undefined) cycle.splice(3 + 4 * k, 0, { method: 'POST', path: '/api/classify', ...uploadBody(photo, opts?.upload) })
      }
      out.push(...cycle)
    }
    return out
  }
}
