import { clientGone } from '@inference-stack/kit'
import { describe, expect, it } from 'vitest'
import { refusedUrl, startFrontend, startUpstream } from './helpers.js'

async function until (condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20))
}

/** An upstream whose routes wait for the test's end, counting the requests whose client (the frontend) went away. */
async function waitingUpstream () {
  let gone = 0
  const upstream = await startUpstream((app, released) => {
    const wait = async (request: Parameters<typeof clientGone>[0], reply: Parameters<typeof clientGone>[1]) => {
      clientGone(request, reply).addEventListener('abort', () => { gone++ })
      await released
      return {}
    }
    app.get('/check/:n', wait)
    app.post('/classify', wait)
  })
  return { ...upstream, gone: () => gone }
}

describe('clients that leave before their answer', () => {
  it('take their forwarded request with them: the service sees its client go, with or without a body', async () => {
    const upstream = await waitingUpstream()
    const { url } = await startFrontend({ PRIME_URL: upstream.url, CLASSIFIER_URL: upstream.url })
    const leaving = new AbortController()
    const requests = [
      fetch(`${url}/api/prime/check/97`, { signal: leaving.signal }),
      fetch(`${url}/api/classify`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: Buffer.alloc(300_000), signal: leaving.signal })
    ].map(async (r) => await r.catch(() => undefined))
    await until(() => upstream.hits() === 2)
    expect(upstream.gone()).toBe(0)
    leaving.abort()
    await Promise.all(requests)
    await until(() => upstream.gone() === 2)
  })

  it('are never forwarded when they leave while waiting for a connection to the service', async () => {
    const upstream = await waitingUpstream()
    const { url } = await startFrontend({ PRIME_URL: upstream.url, CLASSIFIER_URL: await refusedUrl(), UPSTREAM_CONNECTIONS: '1' })
    const first = new AbortController()
    const held = fetch(`${url}/api/prime/check/97`, { signal: first.signal }).catch(() => undefined)
    await until(() => upstream.hits() === 1)
    const queued = new AbortController()
    const waiting = fetch(`${url}/api/prime/check/91`, { signal: queued.signal }).catch(() => undefined)
    await new Promise((resolve) => setTimeout(resolve, 100))
    queued.abort()
    await waiting
    // The connection comes free: the request of the client that left is not sent on it.
    first.abort()
    await held
    await until(() => upstream.gone() === 1)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(upstream.hits()).toBe(1)
  })
})
