import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

const SOURCE = fileURLToPath(new URL('../src/server.ts', import.meta.url))
const COMPILED = fileURLToPath(new URL('../dist/server.js', import.meta.url))
const READY_TIMEOUT_MS = 180_000

async function freePort (): Promise<number> {
  const srv = createServer()
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  const { port } = srv.address() as { port: number }
  await new Promise((resolve) => srv.close(resolve))
  return port
}

/** Resident and peak memory of a process, from /proc/<pid>/status, in MB. */
export function memoryOf (pid: number): { rssMB: number, hwmMB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
    return { rssMB: kb('VmRSS') / 1024, hwmMB: kb('VmHWM') / 1024 }
  } catch {
    return undefined
  }
}

/** The real classifier server as a child process: dist/server.js, src/server.ts under tsx, or another build's entry. */
export class ServiceProcess {
  readonly #child: ChildProcess
  readonly #stderr: string[] = []
  readonly #samples: number[] = []
  #sampler: NodeJS.Timeout | undefined

  private constructor (child: ChildProcess, readonly url: string) {
    this.#child = child
    const keep = (chunk: Buffer): void => { this.#stderr.push(chunk.toString()); if (this.#stderr.length > 50) this.#stderr.shift() }
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
  }

  get pid (): number { return this.#child.pid! }

  /** Starts the server and resolves once /readyz answers 200 (model loaded and warmed up). */
  static async start (env: Record<string, string>, server: 'compiled' | 'tsx' | { entry: string } = 'compiled'): Promise<ServiceProcess> {
    const port = await freePort()
    const args = server === 'tsx' ? ['--import', 'tsx', SOURCE] : [server === 'compiled' ? COMPILED : server.entry]
    const child = spawn(process.execPath, args, {
      env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', EXECUTION_PROVIDER: 'cpu', ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const svc = new ServiceProcess(child, `http://127.0.0.1:${port}`)
    svc.#sampler = setInterval(() => {
      const mem = memoryOf(svc.pid)
      if (mem) svc.#samples.push(mem.rssMB)
    }, 200)
    const deadline = Date.now() + READY_TIMEOUT_MS
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`classifier exited with ${child.exitCode} before ready:\n${svc.log()}`)
      const ok = await fetch(`${svc.url}/readyz`).then((r) => r.ok, () => false)
      if (ok) return svc
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    await svc.stop()
    throw new Error(`classifier not ready within ${READY_TIMEOUT_MS / 1000} s:\n${svc.log()}`)
  }

  log (): string { return this.#stderr.join('').split('\n').slice(-20).join('\n') }

  /** Peak of the 200 ms RSS samples and the kernel's high-water mark, MB. */
  memory (): { peakRssMB: number, hwmMB: number } {
    return { peakRssMB: Math.max(...this.#samples), hwmMB: memoryOf(this.pid)?.hwmMB ?? NaN }
  }

  async stop (): Promise<void> {
    clearInterval(this.#sampler)
    if (this.#child.exitCode !== null) return
    const exited = new Promise((resolve) => this.#child.once('exit', resolve))
    this.#child.kill('SIGTERM')
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 15_000)
    await exited
    clearTimeout(timer)
  }
}
