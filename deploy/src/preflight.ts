import type Docker from 'dockerode'
import { SERVICES } from './allocate.js'
import type { Plan } from './plan-types.js'

/** The fields of `docker info` read here (dockerode types it as any). */
interface EngineInfo {
  NCPU: number
  MemTotal: number
  OperatingSystem?: string
  Runtimes?: Record<string, unknown>
}

export type CheckLevel = 'ok' | 'warn' | 'fail'

export interface Check {
  name: string
  level: CheckLevel
  detail: string
}

/**
 * The images compose.yaml names: ${IMAGE_REPO:-inference-stack}/<service>:${IMAGE_TAG:-latest},
 * and the classifier's CUDA image (compose.gpu.yaml) with a -gpu tag suffix.
 */
export function defaultImages (provider: Plan['provider'], env: NodeJS.ProcessEnv = process.env): string[] {
  const repo = env.IMAGE_REPO ?? 'inference-stack'
  const tag = env.IMAGE_TAG ?? 'latest'
  return SERVICES.map((s) => `${repo}/${s}:${tag}${s === 'classifier' && provider === 'cuda' ? '-gpu' : ''}`)
}

function hasTag (images: Docker.ImageInfo[], name: string): boolean {
  const wanted = name.includes(':') ? name : `${name}:latest`
  return images.some((img) => (img.RepoTags ?? []).includes(wanted))
}

/**
 * Asks the engine whether it can run the plan: engine version and ping,
 * CPUs and memory (`docker info` NCPU, MemTotal) against the sum of the
 * plan's limits, the NVIDIA runtime when the plan runs on CUDA, and images.
 * An unreachable engine is the only failure; the rest are warnings.
 */
export async function preflight (docker: Docker, plan: Plan, imageNames: string[]): Promise<Check[]> {
  const checks: Check[] = []
  let info: EngineInfo
  try {
    await docker.ping()
    const version = await docker.version()
    info = await docker.info() as EngineInfo
    checks.push({ name: 'engine', level: 'ok', detail: `Docker ${version.Version} (API ${version.ApiVersion}), ping ok, ${info.OperatingSystem ?? 'unknown OS'}` })
  } catch (err) {
    checks.push({ name: 'engine', level: 'fail', detail: `cannot reach the Docker engine (${process.env.DOCKER_HOST ?? '/var/run/docker.sock'}): ${(err as Error).message}` })
    return checks
  }

  const cpus = SERVICES.reduce((sum, s) => sum + plan.services[s].cpus * plan.services[s].replicas, 0)
  const memMiB = SERVICES.reduce((sum, s) => sum + plan.services[s].memMiB * plan.services[s].replicas, 0)
  const engineMiB = Math.round(info.MemTotal / 2 ** 20)
  const short: string[] = []
  if (cpus > info.NCPU) short.push(`the plan's ${cpus.toFixed(2)} vCPUs exceed the engine's ${info.NCPU}`)
  if (memMiB > engineMiB) short.push(`the plan's ${memMiB} MiB exceed the engine's ${engineMiB} MiB`)
  checks.push({
    name: 'resources',
    level: short.length > 0 ? 'warn' : 'ok',
    detail: short.length > 0
      ? `${short.join('; ')}: plan for --machine local or a machine this size`
      : `${info.NCPU} CPUs, ${engineMiB} MiB; the plan's limits take ${cpus.toFixed(2)} vCPUs, ${memMiB} MiB`
  })

  const runtimes = Object.keys(info.Runtimes ?? {})
  const nvidia = runtimes.includes('nvidia')
  if (plan.provider === 'cuda') {
    checks.push({
      name: 'gpu',
      level: nvidia ? 'ok' : 'warn',
      detail: nvidia
        ? 'the NVIDIA runtime is installed'
        : `the plan runs ${plan.model} on CUDA but the engine has no nvidia runtime (runtimes: ${runtimes.join(', ')}): install the NVIDIA Container Toolkit, or plan with --provider cpu`
    })
  } else {
    checks.push({ name: 'gpu', level: 'ok', detail: `the plan runs on the CPU${nvidia ? ' (an nvidia runtime is present and unused)' : ''}` })
  }

  const images = await docker.listImages()
  for (const name of imageNames) {
    const present = hasTag(images, name)
    checks.push({ name: `image ${name}`, level: present ? 'ok' : 'warn', detail: present ? 'present' : 'missing: `docker compose build` makes it (with -f compose.gpu.yaml for the -gpu image)' })
  }
  return checks
}
