import { afterAll, describe, expect, it } from 'vitest'
import { closeSharedApps, sharedApp } from './helpers.js'

const deep = (open: string, close: string, depth: number, inner = '"97"') => open.repeat(depth) + inner + close.repeat(depth)

describe('POST /check with bodies built to hurt', () => {
  afterAll(closeSharedApps)

  it('answers JSON nested hundreds of thousands of levels deep (within the 1 MiB limit) with 400, wherever the nesting is', async () => {
    const app = await sharedApp()
    const bodies = {
      'nested numbers': `{"numbers":${deep('[', ']', 500_000)}}`,
      'a nested body': deep('[', ']', 500_000),
      'nested objects': deep('{"a":', '}', 170_000),
      'nested beside numbers': `{"numbers":["97"],"extra":${deep('[', ']', 500_000)}}`
    }
    for (const [what, payload] of Object.entries(bodies)) {
      const res = await app.inject({ method: 'POST', url: '/check', headers: { 'content-type': 'application/json' }, payload })
      expect(res.statusCode, what).toBe(400)
      expect(res.json().error.code, what).toBe('PRIME_BAD_REQUEST')
    }
    const fine = await app.inject({ method: 'POST', url: '/check', payload: { numbers: ['97'] } })
    expect(fine.statusCode).toBe(200)
  })

  it('answers a body that is not JSON with 400', async () => {
    const app = await sharedApp()
    const res = await app.inject({ method: 'POST', url: '/check', headers: { 'content-type': 'application/json' }, payload: '{"numbers":["97"' })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toMatch(/^PRIME_/)
  })
})
