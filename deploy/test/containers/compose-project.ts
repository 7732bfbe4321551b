import { randomBytes } from 'node:crypto'
import type { ContainerInspectInfo } from 'dockerode'
import { docker, leftovers, run } from './docker.js'

/** A compose project under a unique name, driven through the docker compose CLI. */
export class ComposeProject {
  readonly name: string
  readonly #files: string[]
  readonly #env: Record<string, string>

  constructor (prefix: string, files: string[], env: Record<string, string>) {
    this.name = `${prefix}-${randomBytes(3).toString('hex')}`
    this.#files = files
    this.#env = env
  }

  /** `docker compose -p <name> -f ... <args>`, with the project's environment. */
  async compose (...args: string[]): Promise<string> {
    return await run('docker', ['compose', '-p', this.name, ...this.#files.flatMap((f) => ['-f', f]), ...args], this.#env)
  }

  /** `up --build --wait`; when it fails, the error carries every service's last log lines. */
  async up (): Promise<void> {
    try {
      await this.compose('up', '--build', '--detach', '--wait', '--wait-timeout', '600')
    } catch (err) {
      const logs = await this.compose('logs', '--no-color', '--tail', '40').catch((e: Error) => e.message)
      throw new Error(`${(err as Error).message}\n--- logs ---\n${logs}`)
    }
  }

  /** The id of the (single) container of `service`, stopped ones included. */
  async containerId (service: string): Promise<string> {
    const id = (await this.compose('ps', '--all', '--quiet', service)).trim()
    if (!id || id.includes('\n')) throw new Error(`expected one container for ${service}, got "${id}"`)
    return id
  }

  async inspect (service: string): Promise<ContainerInspectInfo> {
    return await docker.getContainer(await this.containerId(service)).inspect()
  }

  /** The host address of a published port, as `docker compose port` prints it (e.g. 127.0.0.1:49153). */
  async published (service: string, port: number): Promise<string> {
    return (await this.compose('port', service, String(port))).trim()
  }

  async logs (service: string): Promise<string> {
    return await this.compose('logs', '--no-color', service)
  }

  /** `docker compose down -v`: containers, networks and volumes of the project. */
  async down (): Promise<void> {
    await this.compose('down', '--volumes', '--remove-orphans', '--timeout', '20')
  }

  async leftovers (): Promise<Awaited<ReturnType<typeof leftovers>>> {
    return await leftovers(`com.docker.compose.project=${this.name}`)
  }
}
