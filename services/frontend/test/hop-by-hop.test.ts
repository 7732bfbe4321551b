import { describe, expect, it } from 'vitest'
import { curl, finalHeader } from '../../kit/test/curl.js'
import { refusedUrl, startFrontend, startUpstream } from './helpers.js'
import { rawExchange } from './raw-http.js'

/** A prime stand-in that sends hop-by-hop headers of its own and echoes the headers it received. */
async function chattyPrime () {
  return await startUpstream((app) => {
    app.get('/check/:n', async (request, reply) => reply
      .header('connection', 'x-hop')
      .header('x-hop', 'for the frontend only')
      .header('keep-alive', 'timeout=1')
      .header('x-end-to-end', 'for the client')
      .send({ received: request.headers }))
  })
}

const get = (version: string, ...headers: string[]) => [`GET /api/prime/check/97 HTTP/${version}`, 'Host: test', ...headers, '', ''].join('\r\n')

describe('hop-by-hop headers and connection handling', () => {
  it('passes end-to-end headers both ways and no hop-by-hop header either way', async () => {
    const { url } = await startFrontend({ PRIME_URL: (await chattyPrime()).url, CLASSIFIER_URL: await refusedUrl() })
    const res = await rawExchange(url, get('1.1', 'Connection: x-client-hop', 'X-Client-Hop: for the frontend only', 'Keep-Alive: timeout=5',
      'TE: trailers', 'Proxy-Authorization: Basic eDp5', 'X-Client-End-To-End: yes'))
    expect(res.status).toBe(200)
    expect(res.headers['x-end-to-end']).toBe('for the client')
    expect(res.headers['x-hop']).toBeUndefined()
    // The frontend's own keep-alive, not the upstream's.
    expect(res.headers.connection).toBe('keep-alive')
    expect(res.headers['keep-alive']).not.toBe('timeout=1')
    expect(res.closed).toBe(false)

    const { received } = JSON.parse(res.body) as { received: Record<string, string> }
    expect(received['x-client-end-to-end']).toBe('yes')
    for (const name of ['x-client-hop', 'keep-alive', 'te', 'proxy-authorization']) expect(received[name], name).toBeUndefined()
    expect(received.connection).not.toBe('x-client-hop')
  })

  it('honours HTTP/1.0 and Connection: close: the answer says close and the frontend closes the socket', async () => {
    const { url } = await startFrontend({ PRIME_URL: (await chattyPrime()).url, CLASSIFIER_URL: await refusedUrl() })
    for (const request of [get('1.0'), get('1.1', 'Connection: close')]) {
      const res = await rawExchange(url, request)
      expect(res.status, request).toBe(200)
      expect(res.headers.connection, request).toBe('close')
      expect(res.headers['keep-alive'], request).toBeUndefined()
      expect(res.closed, request).toBe(true)
    }
    const keepAlive10 = await rawExchange(url, get('1.0', 'Connection: keep-alive'))
    expect([keepAlive10.headers.connection, keepAlive10.closed]).toEqual(['keep-alive', false])

    const viaCurl = await curl(`${url}/api/prime/check/97`, '--http1.0')
    expect(viaCurl.status).toBe(200)
    expect(viaCurl.headers).toMatch(/^HTTP\/1\.[01] 200/)
    expect(finalHeader(viaCurl, 'connection')).toBe('close')
    expect(finalHeader(viaCurl, 'x-hop')).toBeUndefined()
  })
})
