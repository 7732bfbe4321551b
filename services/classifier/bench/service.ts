import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { freePort, spawnChild, waitForHttp, type Child } from '@inference-stack/kit/child'

const SOURCE = fileURLToPath(new URL('../src/server.ts', import.meta.url))
const COMPILED = fileURLToPath(new URL('../dist/server.js', import.meta.url))
const READY_TIMEOUT_MS = 180_000

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
  readonly #child: Child
  readonly #samples: number[] = []
  readonly #sampler: NodeJS.Timeout

  private constructor (child: Child, readonly url: string) {
    this.#child = child
    this.#sampler = setInterval(() => {
      const mem = memoryOf(this.pid)
      if (mem) this.#samples.push(mem.rssMB)
    }, 200)
  }

  get pid (): number { return this.#child.pid }

  /** Starts the server and resolves once /readyz answers 200 (model loaded and warmed up). */
  static async start (env: Record<string, string>, server: 'compiled' | 'tsx' | { entry: string } = 'compiled'): Promise<ServiceProcess> {
    const port = await freePort()
    const args = server === 'tsx' ? ['--import', 'tsx', SOURCE] : [server === 'compiled' ? COMPILED : server.entry]
    const child = spawnChild('classifier', process.execPath, args, {
      env: { LOG_LEVEL: 'warn', HOST: '127.0.0.1', EXECUTION_PROVIDER: 'cpu', ...env, PORT: String(port) }
    })
    const svc = new ServiceProcess(child, `http://127.0.0.1:${port}`)
    try {
      await waitForHttp(child, `${svc.url}/readyz`, READY_TIMEOUT_MS)
    } catch (err) {
      await svc.stop()
      throw err
    }
    return svc
  }

  /** Peak of the 200 ms RSS samples and the kernel's high-water mark, MB. */
  memory (): { peakRssMB: number, hwmMB: number } {
    return { peakRssMB: Math.max(...this.#samples), hwmMB: memoryOf(this.pid)?.hwmMB ?? NaN }
  }

  async stop (): Promise<void> {
    clearInterval(this.#sampler)
    await this.#child.stop()
  }
}
