import { describe, expect, it } from 'vitest'
import { run } from './containers/docker.js'

interface ComposeService {
  image: string
  command?: string[]
  volumes?: Array<{ source: string, target: string, read_only?: boolean }>
  build?: { dockerfile: string }
  environment?: Record<string, string>
  ports?: Array<{ target: number, host_ip?: string }>
  networks?: Record<string, unknown>
  deploy?: { resources?: { reservations?: { devices?: unknown[] } } }
}

interface ComposeConfig {
  services: Record<string, ComposeService>
  networks: Record<string, { internal?: boolean }>
}

// Empty counts as unset for ${VAR:-default}: the files' own defaults apply, whatever this shell exports.
const DEFAULTS = Object.fromEntries(['MODEL', 'EXECUTION_PROVIDER', 'FRONTEND_BIND', 'FRONTEND_PORT', 'IMAGE_TAG',
  'COMPOSE_PROFILES', 'PROMETHEUS_IMAGE', 'PROMETHEUS_BIND', 'PROMETHEUS_PORT'].map((name) => [name, '']))

/** `docker compose config` of the given files (and profiles): merged, interpolated, validated. */
async function config (...args: string[]): Promise<ComposeConfig> {
  const out = await run('docker', ['compose', ...args.flatMap((a) => a.startsWith('--') ? [a] : ['-f', a]), 'config', '--format', 'json'], DEFAULTS)
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
})
