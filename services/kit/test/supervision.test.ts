import { execFile } from 'node:child_process'
import { createServer, type AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { spawnChild, waitForListening, type Child } from '@inference-stack/kit/child'
import { describe, expect, it, onTestFinished } from 'vitest'

const SERVICE = fileURLToPath(new URL('./fixtures/tiny-service.ts', import.meta.url))

function start (env: Record<string, string> = {}): Child {
  const child = spawnChild('tiny', process.execPath, ['--import', 'tsx', SERVICE], { env: { PORT: '0', ...env }, supervise: true })
  onTestFinished(async () => { await child.stop() })
  return child
}

async function occupiedPort (): Promise<number> {
  const squatter = createServer()
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve))
  onTestFinished(() => new Promise<void>((resolve) => squatter.close(() => resolve())))
  return (squatter.address() as AddressInfo).port
}

describe('a service under a supervisor (kit listen + kit/child supervise)', () => {
  it('reports the address it listens on once the socket is bound', async () => {
    const url = await waitForListening(start())
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(await (await fetch(url)).json()).toEqual({ ok: true })
  })

  it('closes gracefully, running its onClose hooks, when the supervisor\'s channel closes', async () => {
    const child = start()
    const url = await waitForListening(child)
    child.proc.disconnect() // what the service sees when the supervisor dies, even by SIGKILL
    expect(await child.closed).toEqual({ code: 0, signal: null })
    expect(child.output()).toContain('the process that started this service has exited')
    expect(child.output()).toContain('onClose hook ran')
    await expect(fetch(url)).rejects.toThrow()
  })

  it('tells the supervisor about a port in use instead of printing a stack trace, and exits 1', async () => {
    const port = await occupiedPort()
    const child = start({ PORT: String(port) })
    await expect(waitForListening(child)).rejects.toThrow(`tiny: cannot listen on 127.0.0.1:${port}: the port is already in use (EADDRINUSE); set PORT to a free port`)
    expect((await child.closed).code).toBe(1)
    expect(child.output()).not.toMatch(/^\s+at /m)
  })

  it('stop() sends SIGTERM to its process group: the service drains and exits 0 within the grace period', async () => {
    const child = start()
    await waitForListening(child)
    await child.stop(5000)
    expect(child.proc.signalCode ?? child.proc.exitCode).toBe(0)
  })
})

describe('the same service without a supervisor', () => {
  it('prints one line naming the port and PORT when the port is in use, and exits 1', async () => {
    const port = await occupiedPort()
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', SERVICE], { env: { ...process.env, PORT: String(port) } })
    const failure = await run.catch((err: unknown) => err as { code: number, stderr: string })
    expect(failure).toMatchObject({ code: 1 })
    expect((failure as { stderr: string }).stderr).toBe(`cannot listen on 127.0.0.1:${port}: the port is already in use (EADDRINUSE); set PORT to a free port\n`)
  })
})
