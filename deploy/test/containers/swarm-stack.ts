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
 * The engine as a single-node swarm for the tests of one file: `join` creates
 * the swarm when there is none, `leave` leaves it again (once, at the end:
 * leaving a swarm seconds after creating it can strand its ingress network).
 */
export class SingleNodeSwarm {
  #started = false
  #hadGatewayBridge = true

  async join (): Promise<void> {
    if (await swarmState() !== 'inactive') return
    this.#hadGatewayBridge = await networkExists('docker_gwbridge')
    await run('docker', ['swarm', 'init', '--advertise-addr', '127.0.0.1', '--listen-addr', '127.0.0.1:2377'])
    this.#started = true
    await waitFor('the swarm ingress network', async () => await networkExists('ingress') ? true : undefined, 60_000)
  }

  async leave (): Promise<void> {
    if (!this.#started) return
    this.#started = false
    await run('docker', ['swarm', 'leave', '--force'])
    await waitFor('the ingress network to go', async () => await networkExists('ingress') ? undefined : true, 60_000)
    // The bridge keeps the ingress sandbox's endpoint for a moment after the leave.
    if (!this.#hadGatewayBridge) {
      await waitFor('docker_gwbridge to be removable', async () => {
        if (await networkExists('docker_gwbridge')) await docker.getNetwork('docker_gwbridge').remove()
        return true
      }, 60_000)
    }
  }
}

/** A stack deployed with `docker stack deploy` on a swarm the engine is already part of. */
export class SwarmStack {
  readonly name: string
  readonly #files: string[]
  readonly #env: Record<string, string>
  #deployed = false

  constructor (name: string, files: string[], env: Record<string, string>) {
    this.name = name
    this.#files = files
    this.#env = env
  }

  async up (env: Record<string, string> = {}): Promise<void> {
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

  /** `docker stack rm`, then the stack's volumes, which swarm keeps. */
  async down (): Promise<void> {
    if (!this.#deployed) return
    this.#deployed = false
    const label = `com.docker.stack.namespace=${this.name}`
    await run('docker', ['stack', 'rm', this.name])
    await waitFor(`the containers and networks of stack ${this.name} to go`, async () => {
      const left = await leftovers(label)
      return left.containers.length === 0 && left.networks.length === 0 ? true : undefined
    })
    for (const volume of (await leftovers(label)).volumes) await docker.getVolume(volume).remove()
  }

  async leftovers (): Promise<Awaited<ReturnType<typeof leftovers>>> {
    return await leftovers(`com.docker.stack.namespace=${this.name}`)
  }
}
