import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { envFile } from '../src/format.js'
import { plan } from '../src/planner.js'
import { MACHINES } from '../src/machines.js'
import { run } from './containers/docker.js'

interface ComposeService {
  image: string
  command?: string[]
  volumes?: Array<{ source: string, target: string, read_only?: boolean }>
  build?: { dockerfile: string }
  environment?: Record<string, string>
  ports?: Array<{ target: number, host_ip?: string }>
  networks?: Record<string, unknown>
  deploy?: { replicas?: number, resources?: { limits?: { cpus?: number | string, memory?: string }, reservations?: { devices?: unknown[] } } }
}

interface ComposeConfig {
  services: Record<string, ComposeService>
  networks: Record<string, { internal?: boolean }>
}

// Empty counts as unset for ${VAR:-default}: the files' own defaults apply, whatever this shell exports.
const DEFAULTS = Object.fromEntries(['MODEL', 'EXECUTION_PROVIDER', 'FRONTEND_BIND', 'FRONTEND_PORT', 'IMAGE_TAG',
  'COMPOSE_PROFILES', 'PROMETHEUS_IMAGE', 'PROMETHEUS_BIND', 'PROMETHEUS_PORT'].map((name) => [name, '']))

/** `docker compose config` of the given files, env files and profiles: merged, interpolated, validated. */
async function config (...args: string[]): Promise<ComposeConfig> {
  const flags = args.flatMap((a) => a.startsWith('--') ? [a] : a.endsWith('.env') ? ['--env-file', a] : ['-f', a])
  const out = await run('docker', ['compose', ...flags, 'config', '--format', 'json'], DEFAULTS)
  return JSON.parse(out) as ComposeConfig
}

describe('the compose files, as docker compose config reads them', () => {
  it('publishes the frontend alone, on 127.0.0.1 unless told otherwise', async () => {
    const { services } = await config('compose.yaml')
    const published = Object.entries(services).filter(([, s]) => (s.ports ?? []).length > 0).map(([name]) => name)
    expect(published).toEqual(['frontend'])
    expect(services.frontend!.ports).toMatchObject([{ target: 8080, host_ip: '127.0.0.1' }])
  })

  it('keeps prime and the classifier on the internal backend network only', async () => {
    const { services, networks } = await config('compose.yaml')
    expect(networks.backend!.internal).toBe(true)
    expect(Object.keys(services.prime!.networks!)).toEqual(['backend'])
    expect(Object.keys(services.classifier!.networks!)).toEqual(['backend'])
  })

  it('runs Prometheus only with the monitoring profile: official image, the project\'s scrape config, UI on 127.0.0.1', async () => {
    expect(Object.keys((await config('compose.yaml')).services)).not.toContain('prometheus')
    const { services } = await config('--profile=monitoring', 'compose.yaml')
    const prometheus = services.prometheus!
    expect(prometheus.image).toMatch(/^prom\/prometheus:v\d/)
    expect(prometheus.command).toContain('--config.file=/etc/prometheus/prometheus.yml')
    expect(prometheus.volumes).toContainEqual(expect.objectContaining({ target: '/etc/prometheus/prometheus.yml', read_only: true }))
    expect(prometheus.volumes?.find((v) => v.target === '/etc/prometheus/prometheus.yml')?.source).toMatch(/deploy\/prometheus\/prometheus\.yml$/)
    expect(Object.keys(prometheus.networks!).sort()).toEqual(['backend', 'public'])
    expect(prometheus.ports).toMatchObject([{ target: 9090, host_ip: '127.0.0.1' }])
    // The frontend's metrics port is for Prometheus on the backend network: never published.
    expect(services.frontend!.environment).toMatchObject({ METRICS_PORT: '9464' })
    expect(services.frontend!.ports!.map((p) => p.target)).toEqual([8080])
  })

  it('reserves one NVIDIA GPU for the classifier when compose.gpu.yaml is added', async () => {
    const { services } = await config('compose.yaml', 'compose.gpu.yaml')
    const classifier = services.classifier!
    expect(classifier.deploy?.resources?.reservations?.devices).toEqual([{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }])
    expect(classifier.build?.dockerfile).toBe('services/classifier/Dockerfile.gpu')
    expect(classifier.environment).toMatchObject({ EXECUTION_PROVIDER: 'cuda', MODEL: 'resnet50-v1-12' })
    // models-init shares the classifier's image and model, so one build serves both.
    expect(services['models-init']).toMatchObject({ image: classifier.image, environment: { MODEL: 'resnet50-v1-12' } })
    expect(classifier.image).toMatch(/-gpu$/)
  })

  it('passes every figure of the plan\'s env file to the services, prime replicas and Retry-After included', async () => {
    const p = plan({ machine: MACHINES['g4dn.2xlarge']!, primePerSec: 6000, imagesPerSec: 100, sloMs: 4000 })
    expect(p.services.prime.replicas).toBe(2)
    expect(p.classifier.RETRY_AFTER_S).toBeGreaterThan(1)
    const dir = await mkdtemp(path.join(os.tmpdir(), 'plan-env-'))
    try {
      const file = path.join(dir, 'plan.env')
      await writeFile(file, envFile(p))
      const { services } = await config(file, 'compose.yaml', 'compose.gpu.yaml')
      expect(services.prime!.deploy?.replicas).toBe(2)
      expect(Number(services.prime!.deploy?.resources?.limits?.cpus)).toBe(p.services.prime.cpus)
      expect(Number(services.classifier!.deploy?.resources?.limits?.cpus)).toBe(p.services.classifier.cpus)
      expect(Number(services.classifier!.deploy?.resources?.limits?.memory)).toBe(p.services.classifier.memMiB * 2 ** 20)
      const c = p.classifier
      expect(services.classifier!.environment).toMatchObject({
        EXECUTION_PROVIDER: 'cuda',
        MODEL: c.MODEL,
        MAX_BATCH_SIZE: String(c.MAX_BATCH_SIZE),
        MAX_QUEUE: String(c.MAX_QUEUE),
        MAX_QUEUE_DELAY_MS: String(c.MAX_QUEUE_DELAY_MS),
        INTRA_OP_THREADS: String(c.INTRA_OP_THREADS),
        UV_THREADPOOL_SIZE: String(c.UV_THREADPOOL_SIZE),
        RETRY_AFTER_S: String(c.RETRY_AFTER_S)
      })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
