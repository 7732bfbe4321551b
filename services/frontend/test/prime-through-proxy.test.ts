import { describe, expect, it } from 'vitest'
import { refusedUrl, startFrontend, startPrime } from './helpers.js'

describe('the real prime service behind the frontend', () => {
  it('answers checks, batch checks and bad input through /api/prime', async () => {
    const { url } = await startFrontend({ PRIME_URL: await startPrime(), CLASSIFIER_URL: await refusedUrl() })

    const prime = await fetch(`${url}/api/prime/check/1000000007`)
    expect(prime.status).toBe(200)
    expect(await prime.json()).toMatchObject({ number: '1000000007', is_prime: true })

    const composite = await (await fetch(`${url}/api/prime/check/91`)).json()
    expect(composite).toMatchObject({ number: '91', is_prime: false, factor: '7' })

    const mersenne = await (await fetch(`${url}/api/prime/check/618970019642690137449562111`)).json()
    expect(mersenne).toMatchObject({ number: '618970019642690137449562111', is_prime: true })

    const bad = await fetch(`${url}/api/prime/check/12a`)
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.code).toMatch(/^PRIME_/)

    const batch = await fetch(`${url}/api/prime/check`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ numbers: ['97', '91'] })
    })
    expect(batch.status).toBe(200)
    expect((await batch.json()).results.map((r: { is_prime: boolean }) => r.is_prime)).toEqual([true, false])
  })

  it('passes the prime service’s 400 for a number over its digit limit through unchanged', async () => {
    const { url } = await startFrontend({ PRIME_URL: await startPrime(), CLASSIFIER_URL: await refusedUrl() })
    const res = await fetch(`${url}/api/prime/check/${'7'.repeat(5000)}`)
    expect(res.status).toBe(400)
    expect((await res.json()).error.message).toMatch(/1000|1,000/)
  })
})
