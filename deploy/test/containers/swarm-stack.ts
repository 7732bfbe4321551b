import { createServer } from 'node:net'
import type { ContainerInfo } from 'dockerode'
import { docker, leftovers, run, waitFor } from './docker.js'

/** The engine's swarm state: 'inactive', 'active', ... */
async function swarmState (): Promise<string> {
  return (await run('docker', ['info', '--format', '{{.Swarm.LocalNodeState}}'])).trim()
}

async function networkExists (name: string): Promise<boolean> {
  return (await docker.listNetworks({ filters: { name: [name] } })).some((n) => n.Name === name)
}

/** A free TCP port on this host, for a host-mode published port. */
export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * A stack deployed with `docker stack deploy` on a single-node swarm. When the
 * engine is not in a swarm, `up` creates one and `down` leaves it again, so the
 * machine ends as it started.
 */
export class SwarmStack {
  readonly name: string
  readonly #files: string[]
  readonly #env: Record<string, string>
  #deployed = false
  #startedSwarm = false
  #hadGatewayBridge = true

  constructor (name: string, files: string[], env: Record<string, string>) {
    this.name = name
    this.#files = files
    this.#env = env
  }

  async up (env: Record<string, string> = {}): Promise<void> {
    if (await swarmState() === 'inactive') {
      this.#hadGatewayBridge = await networkExists('docker_gwbridge')
      await run('docker', ['swarm', 'init', '--advertise-addr', '127.0.0.1', '--listen-addr', '127.0.0.1:2377'])
      this.#startedSwarm = true
    }
    this.#deployed = true
    await run('docker', ['stack', 'deploy', '--resolve-image', 'never', ...this.#files.flatMap((f) => ['-c', f]), this.name], { ...this.#env, ...env })
  }

  /** Running containers of one service of the stack. */
  async containers (service: string): Promise<ContainerInfo[]> {
    return await docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${this.name}_${service}`] } })
  }

  /** Waits until `count` containers of `service` run and report healthy; returns them. */
  async healthy (service: string, count: number): Promise<ContainerInfo[]> {
    return await waitFor(`${count} healthy ${service} task(s)`, async () => {
      const running = await this.containers(service)
      return running.length === count && running.every((c) => c.Status.includes('(healthy)')) ? running : undefined
    }, 300_000)
  }

  /** `docker stack rm`, then the stack's volumes (which swarm keeps), then the swarm if `up` created it. */
  async down (): Promise<void> {
    if (!this.#deployed) return
    const label = `com.docker.stack.namespace=${this.name}`
    await run('docker', ['stack', 'rm', this.name])
    await waitFor(`the containers and networks of stack ${this.name} to go`, async () => {
      const left = await leftovers(label)
      return left.containers.length === 0 && left.networks.length === 0 ? true : undefined
    })
    for (const volume of (await leftovers(label)).volumes) await docker.getVolume(volume).remove()
    if (this.#startedSwarm) {
      await run('docker', ['swarm', 'leave', '--force'])
      if (!this.#hadGatewayBridge && await networkExists('docker_gwbridge')) await docker.getNetwork('docker_gwbridge').remove()
      this.#startedSwarm = false
    }
    this.#deployed = false
  }

  async leftovers (): Promise<Awaited<ReturnType<typeof leftovers>>> {
    return await leftovers(`com.docker.stack.namespace=${this.name}`)
  }
}
