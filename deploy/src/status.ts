import type Docker from 'dockerode'

/** Limits a service should run with, as the plan's env file states them. */
export interface PlannedLimits {
  cpus: number
  memMiB: number
}

export interface ContainerStatus {
  name: string
  service: string
  state: string
  health: string
  restarts: number
  /** vCPUs in use (1 = one full vCPU) and the container's limit; null when not running or unlimited. */
  cpus: number | null
  cpuLimit: number | null
  memMiB: number | null
  memLimitMiB: number | null
  planned: PlannedLimits | null
  flags: string[]
}

export const PROJECT_LABEL = 'com.docker.compose.project'
export const SERVICE_LABEL = 'com.docker.compose.service'

/**
 * vCPUs in use between the two samples of a non-streamed stats call:
 * container CPU time delta / host CPU time delta × online CPUs.
 */
export function cpusInUse (stats: Docker.ContainerStats): number | null {
  const cpu = stats.cpu_stats.cpu_usage.total_usage - (stats.precpu_stats.cpu_usage?.total_usage ?? 0)
  const system = (stats.cpu_stats.system_cpu_usage ?? 0) - (stats.precpu_stats.system_cpu_usage ?? 0)
  if (system <= 0 || stats.precpu_stats.system_cpu_usage === undefined) return null
  const online = stats.cpu_stats.online_cpus ?? stats.cpu_stats.cpu_usage.percpu_usage?.length ?? 1
  return Math.round(cpu / system * online * 100) / 100
}

/** Memory in use the way `docker stats` counts it: usage less inactive page cache (cgroup v2, then v1). */
export function memoryInUseMiB (stats: Docker.ContainerStats): number | null {
  const m = stats.memory_stats
  if (m?.usage === undefined) return null
  const s = m.stats as Partial<Record<string, number>> | undefined
  const cache = s?.inactive_file ?? s?.total_inactive_file ?? 0
  return Math.round((m.usage - cache) / 2 ** 20 * 10) / 10
}

/** Parses an env file (KEY=VALUE lines) into the planned limits per service. */
export function plannedFromEnv (text: string): Record<string, PlannedLimits> {
  const env = new Map<string, string>()
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim())
    if (match !== null) env.set(match[1]!, match[2]!)
  }
  const out: Record<string, PlannedLimits> = {}
  for (const [key, value] of env) {
    const name = /^([A-Z]+)_CPUS$/.exec(key)?.[1]
    const mem = name === undefined ? undefined : /^(\d+)m$/.exec(env.get(`${name}_MEM`) ?? '')?.[1]
    if (name !== undefined && mem !== undefined) out[name.toLowerCase()] = { cpus: Number(value), memMiB: Number(mem) }
  }
  return out
}

function compare (s: ContainerStatus): string[] {
  const flags: string[] = []
  if (s.planned !== null) {
    if (s.cpuLimit === null || Math.abs(s.cpuLimit - s.planned.cpus) > 0.01) flags.push(`cpus ${s.cpuLimit ?? 'unlimited'} != planned ${s.planned.cpus}`)
    if (s.memLimitMiB === null || s.memLimitMiB !== s.planned.memMiB) flags.push(`mem_limit ${s.memLimitMiB ?? 'unlimited'} MiB != planned ${s.planned.memMiB}`)
  }
  const cpuCap = s.cpuLimit ?? s.planned?.cpus
  if (s.cpus !== null && cpuCap !== undefined && s.cpus >= 0.9 * cpuCap) flags.push('CPU at its limit')
  const memCap = s.memLimitMiB ?? s.planned?.memMiB
  if (s.memMiB !== null && memCap !== undefined && s.memMiB >= 0.9 * memCap) flags.push('memory above 90 % of its limit')
  if (s.health === 'unhealthy') flags.push('unhealthy')
  if (s.restarts > 0) flags.push(`restarted ${s.restarts}x`)
  return flags
}

/** The project's containers (by compose label) with health, restarts and one stats sample each. */
export async function projectStatus (docker: Docker, project: string, planned: Record<string, PlannedLimits>): Promise<ContainerStatus[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${PROJECT_LABEL}=${project}`] } })
  const out = await Promise.all(list.map(async (c): Promise<ContainerStatus> => {
    const container = docker.getContainer(c.Id)
    const inspect = await container.inspect()
    const running = inspect.State.Running
    const stats = running ? await container.stats({ stream: false }) : undefined
    const service = c.Labels[SERVICE_LABEL] ?? '-'
    const nano = inspect.HostConfig.NanoCpus ?? 0
    const mem = inspect.HostConfig.Memory ?? 0
    const status: ContainerStatus = {
      name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
      service,
      state: inspect.State.Status,
      health: inspect.State.Health?.Status ?? '-',
      restarts: inspect.RestartCount,
      cpus: stats === undefined ? null : cpusInUse(stats),
      cpuLimit: nano > 0 ? nano / 1e9 : null,
      memMiB: stats === undefined ? null : memoryInUseMiB(stats),
      memLimitMiB: mem > 0 ? Math.round(mem / 2 ** 20) : null,
      planned: planned[service] ?? null,
      flags: []
    }
    status.flags = compare(status)
    return status
  }))
  return out.sort((a, b) => a.service.localeCompare(b.service) || a.name.localeCompare(b.name))
}
