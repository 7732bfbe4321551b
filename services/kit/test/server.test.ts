import { createServer as createNetServer, type AddressInfo } from 'node:net'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createServer, listen, ListenError } from '@inference-stack/kit'

describe('createServer', () => {
  it('gives every service the same timeouts, logger level and name, and takes fastify options on top', async () => {
    const server = createServer({ name: 'widget', logLevel: 'warn', fastify: { bodyLimit: 1234 } })
    onTestFinished(() => server.close())
    expect(server.initialConfig).toMatchObject({ keepAliveTimeout: 72_000, bodyLimit: 1234 })
    expect(server.server.requestTimeout).toBe(30_000)
    expect(server.log.level).toBe('warn')
    const later = createServer({ name: 'widget', fastify: { requestTimeout: 120_000 } })
    onTestFinished(() => later.close())
    expect(later.server.requestTimeout).toBe(120_000)
  })
})

describe('listen', () => {
  it('resolves with the address it listens on', async () => {
    const server = createServer({ name: 'widget', logLevel: 'silent' })
    server.get('/', async () => ({ ok: true }))
    onTestFinished(() => server.close())
    const url = await listen(server, { host: '127.0.0.1', port: 0 })
    expect(await (await fetch(url)).json()).toEqual({ ok: true })
  })

  it('turns a port in use into a ListenError naming the address and the variable that moves it', async () => {
    const squatter = createNetServer()
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve))
    onTestFinished(() => new Promise<void>((resolve) => squatter.close(() => resolve())))
    const port = (squatter.address() as AddressInfo).port
    const server = createServer({ name: 'widget', logLevel: 'silent' })
    onTestFinished(() => server.close())
    const failure = await listen(server, { host: '127.0.0.1', port }).catch((err: unknown) => err)
    expect(failure).toBeInstanceOf(ListenError)
    expect(failure).toMatchObject({
      code: 'EADDRINUSE',
      port,
      message: `cannot listen on 127.0.0.1:${port}: the port is already in use (EADDRINUSE); set PORT to a free port`
    })
  })
})
