import { request } from 'node:http'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { drain } from '@inference-stack/kit'

function get (url: string, agent: import('node:http').Agent): Promise<{ status: number, connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }))
    }).on('error', reject).end()
  })
}

describe('drain', () => {
  it('answers a request in flight during close with Connection: close, so close() need not wait for the client', async () => {
    const app = Fastify()
    await app.register(drain)
    let release!: () => void
    const released = new Promise<void>((resolve) => { release = resolve })
    let started!: () => void
    const inFlight = new Promise<void>((resolve) => { started = resolve })
    app.get('/slow', async () => { started(); await released; return { ok: true } })
    app.get('/fast', async () => ({ ok: true }))
    let closing!: () => void
    const closeBegun = new Promise<void>((resolve) => { closing = resolve })
    app.addHook('preClose', async () => { closing() })
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    const agent = new (await import('node:http')).Agent({ keepAlive: true })

    expect((await get(`${url}/fast`, agent)).connection).toBe('keep-alive')
    const answer = get(`${url}/slow`, agent)
    await inFlight
    const closed = app.close()
    await closeBegun
    release()
    expect(await answer).toEqual({ status: 200, connection: 'close' })
    await closed
    agent.destroy()
  })
})
