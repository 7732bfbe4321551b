import { afterAll, describe, expect, it } from 'vitest'
import { buildApp, closeSharedApps, sharedApp } from './helpers.js'

const post = async (body: unknown, env: Record<string, string> = {}) => {
  const app = await sharedApp(env)
  return await app.inject({ method: 'POST', url: '/check', payload: body as object })
}

afterAll(closeSharedApps)

describe('POST /check', () => {
  it('answers every number in input order with the same objects as GET', async () => {
    const res = await post({ numbers: ['97', '91', '0', '007', (2n ** 89n - 1n).toString()] })
    expect(res.statusCode).toBe(200)
    const { results } = res.json()
    expect(results.map((r: { number: string, is_prime: boolean }) => [r.number, r.is_prime])).toEqual([
      ['97', true], ['91', false], ['0', false], ['7', true], [(2n ** 89n - 1n).toString(), true]
    ])
    expect(results[1]).toMatchObject({ factor: '7', method: 'trial-division', digits: 2 })
    expect(results[4]).toMatchObject({ method: 'baillie-psw', digits: 27 })
  })

  it('answers an empty batch with no results', async () => {
    expect((await post({ numbers: [] })).json()).toEqual({ results: [] })
  })

  it('refuses the whole batch with 400 naming the index of a bad entry', async () => {
    const res = await post({ numbers: ['97', '91', '1e3'] })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toEqual({ code: 'PRIME_BAD_NUMBER', message: 'numbers[2]: "1e3" uses exponent notation: write out every digit' })
  })

  it('refuses a JSON number entry, explaining that numbers travel as strings', async () => {
    const app = await buildApp()
    // 2^53 + 1 as a JSON number: JSON.parse reads it as 2^53, a different number.
    const res = await app.inject({
      method: 'POST', url: '/check', headers: { 'content-type': 'application/json' }, payload: '{"numbers": ["97", 9007199254740993]}'
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('PRIME_BAD_NUMBER')
    expect(res.json().error.message).toMatch(/^numbers\[1\] is a JSON number: send every number as a string/)
  })

  it('refuses an entry over the digit limit naming its index and the limit', async () => {
    const res = await post({ numbers: ['97', '9'.repeat(11)] }, { PRIME_MAX_DIGITS: '10' })
    expect(res.json().error.code).toBe('PRIME_TOO_MANY_DIGITS')
    expect(res.json().error.message).toMatch(/^numbers\[1\]: .* the limit is 10 \(PRIME_MAX_DIGITS\)$/)
  })

  it('refuses more numbers than PRIME_MAX_BATCH with 400 stating the limit', async () => {
    const res = await post({ numbers: ['2', '3', '5', '7'] }, { PRIME_MAX_BATCH: '3' })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toEqual({ code: 'PRIME_TOO_MANY_NUMBERS', message: '4 numbers in one batch; the limit is 3 (PRIME_MAX_BATCH)' })
  })

  it('refuses more digits in all than PRIME_MAX_BATCH_DIGITS with 400 stating the limit', async () => {
    const res = await post({ numbers: ['123', '4567'] }, { PRIME_MAX_BATCH_DIGITS: '6' })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toEqual({
      code: 'PRIME_BATCH_TOO_LARGE',
      message: 'the batch has 7 digits in all; the limit is 6 (PRIME_MAX_BATCH_DIGITS)'
    })
  })

  it.each([
    ['numbers missing', {}, /numbers/],
    ['numbers not an array', { numbers: '97' }, /numbers/],
    ['an entry of another type', { numbers: [true] }, /numbers.0/],
    ['an unknown field', { numbers: ['97'], number: '5' }, /number/]
  ])('refuses a body with %s with 400 PRIME_BAD_REQUEST', async (_what, body, message) => {
    const res = await post(body)
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('PRIME_BAD_REQUEST')
    expect(res.json().error.message).toMatch(message)
  })

  it('refuses malformed JSON with a 400 JSON error', async () => {
    const app = await buildApp()
    const res = await app.inject({ method: 'POST', url: '/check', headers: { 'content-type': 'application/json' }, payload: '{"numbers": [' })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toMatch(/^PRIME_/)
  })

  it('answers 503 with Retry-After when PRIME_MAX_CONCURRENT_BATCHES batches are in progress', async () => {
    const app = await buildApp({ PRIME_MAX_CONCURRENT_BATCHES: '1' })
    // Eight 664-digit primes (2^2203-1): the batch is still in its worker when the second one arrives.
    const slow = Array.from({ length: 8 }, () => (2n ** 2203n - 1n).toString())
    const first = app.inject({ method: 'POST', url: '/check', payload: { numbers: slow } })
    await new Promise((resolve) => setTimeout(resolve, 0))
    const second = await app.inject({ method: 'POST', url: '/check', payload: { numbers: ['97'] } })
    expect(second.statusCode).toBe(503)
    expect(second.headers['retry-after']).toBe('1')
    expect(second.json().error.code).toBe('PRIME_BUSY')
    expect((await first).statusCode).toBe(200)
    expect((await app.inject({ method: 'POST', url: '/check', payload: { numbers: ['97'] } })).statusCode).toBe(200)
  })
})
