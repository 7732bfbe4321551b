import { once } from 'node:events'
import { createReadStream } from 'node:fs'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { cpus, tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import type { ClassifyResponse } from '@inference-stack/classifier/contract'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { ComposeProject } from './containers/compose-project.js'
import { curl } from '../../services/kit/test/curl.js'
import { IMAGES_DIR, MODELS_SOURCE } from './containers/assets.js'
import { classifierCpus, docker, requireDocker, run, TEST_IMAGE_TAG, TEST_MODEL, waitFor } from './containers/docker.js'
import { postImage, type Answer } from './containers/upload.js'

// compose.yaml as a user runs it, with the monitoring profile, plus the documented override for
// models already on the host (compose.models-dir.yaml: no download) and one test override:
// Prometheus is built from Debian's package instead of pulled (no registry is reachable here).
const project = new ComposeProject('inference-stack-test', [
  'compose.yaml', 'compose.models-dir.yaml', 'deploy/test/containers/compose.prometheus-from-debian.yaml'
], {
  COMPOSE_PROFILES: 'monitoring',
  MODEL: TEST_MODEL,
  MODELS_DIR: MODELS_SOURCE,
  FRONTEND_PORT: '0',
  PROMETHEUS_PORT: '0',
  CLASSIFIER_CPUS: classifierCpus(cpus().length),
  IMAGE_TAG: TEST_IMAGE_TAG
})
const BACKENDS = ['prime', 'classifier']
let base = ''

/** A mirror as an air-gapped site runs one: the model files under /models/ of a plain web server on `host`. */
async function serveModels (host: string): Promise<{ url: string, hits: string[], close: () => Promise<void> }> {
  const hits: string[] = []
  const server = createServer((req, res) => {
    hits.push(req.url ?? '')
    const path = join(MODELS_SOURCE, basename(req.url ?? ''))
    stat(path).then((info) => {
      res.writeHead(200, { 'content-length': info.size })
      createReadStream(path).pipe(res)
    }, () => res.writeHead(404).end())
  })
  server.listen(0, host)
  await once(server, 'listening')
  return { url: `http://${host}:${(server.address() as AddressInfo).port}/models`, hits, close: async () => await new Promise((resolve) => server.close(() => resolve())) }
}

async function classify (file: string): Promise<Answer> {
  return await postImage(`${base}/api/classify`, file)
}

async function classifiesAgain (): Promise<true | undefined> {
  return (await classify('daisy.jpg')).status === 200 ? true : undefined
}

describe('compose.yaml on a real Docker engine', () => {
  beforeAll(async () => {
    await requireDocker()
    await project.up()
    base = `http://${await project.published('frontend', 8080)}`
  })

  afterAll(async () => {
    await project.down()
  })

  it('answers a prime check through the published port on 127.0.0.1', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const res = await fetch(`${base}/api/prime/check/1000000007`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ number: '1000000007', is_prime: true })
  })

  it('classifies a real photo end to end through the frontend', async () => {
    const res = await classify('daisy.jpg')
    expect(res.status).toBe(200)
    const body = res.json as ClassifyResponse
    expect(body.model).toBe(TEST_MODEL)
    expect(body.predictions[0]).toMatchObject({ label: 'daisy' })
  })

  it('serves the page', async () => {
    const res = await fetch(`${base}/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await res.text()).toMatch(/<html/i)
  })

  it('checked the model in the host directory against the catalog SHA-256 and mounts that directory read-only', async () => {
    const init = await project.inspect('models-init')
    expect(init.State.ExitCode).toBe(0)
    expect(await project.logs('models-init')).toMatch(new RegExp(`${TEST_MODEL}\\.onnx: present in /models, checksum ok`))
    for (const service of ['classifier', 'models-init']) {
      const mount = (await project.inspect(service)).Mounts.find((m) => m.Destination === '/models')
      expect(mount, service).toMatchObject({ Type: 'bind', Source: MODELS_SOURCE, RW: false })
    }
  })

  it('takes the README\'s 3.8 MB PNG from curl (Expect: 100-continue) through the published port, raw and with -F', async () => {
    const tabby = join(IMAGES_DIR, 'tabby-cat.png')
    for (const args of [['--data-binary', `@${tabby}`, '-H', 'content-type: image/png'], ['-F', `image=@${tabby}`]]) {
      const res = await curl(`${base}/api/classify?topk=1`, ...args)
      expect([res.status, res.continued], args.join(' ')).toEqual([200, true])
      expect(['tabby cat', 'tiger cat']).toContain(res.json<ClassifyResponse>().predictions[0]?.label)
    }
    const dir = await mkdtemp(join(tmpdir(), 'compose-curl-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    await writeFile(join(dir, 'too-big.bin'), Buffer.alloc(21 * 1024 * 1024))
    const over = await curl(`${base}/api/classify`, '--data-binary', `@${join(dir, 'too-big.bin')}`, '-H', 'content-type: image/png')
    expect([over.status, over.continued, over.uploaded]).toEqual([413, false, 0])
  })

  it('serves one OpenAPI document and none of the backends\' internals on the published port', async () => {
    const doc = await (await fetch(`${base}/docs/json`)).json() as { paths: Record<string, unknown>, info: { description: string } }
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/prime/check/{number}', '/api/classify', '/api/classifier/v2/models/{name}/infer']))
    expect(doc.info.description).not.toContain('missing')
    for (const path of ['/metrics', '/api/prime/metrics', '/api/prime/readyz', '/api/prime/docs/json', '/api/classifier/metrics', '/api/classifier/docs']) {
      expect((await fetch(`${base}${path}`)).status, path).toBe(404)
    }
  })

  it('runs Prometheus with the monitoring profile, scraping every service on the internal network', async () => {
    const prometheus = `http://${await project.published('prometheus', 9090)}`
    expect(prometheus).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const targets = await waitFor('every scrape target up', async () => {
      const res = await fetch(`${prometheus}/api/v1/targets`)
      const { data } = await res.json() as { data: { activeTargets: Array<{ labels: { job: string }, scrapeUrl: string, health: string }> } }
      return data.activeTargets.length === 3 && data.activeTargets.every((t) => t.health === 'up') ? data.activeTargets : undefined
    }, 120_000)
    expect(targets.map((t) => t.scrapeUrl).sort()).toEqual(['http://classifier:8082/metrics', 'http://frontend:9464/metrics', 'http://prime:8081/metrics'])
    const query = await (await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent('sum by (service) (process_resident_memory_bytes)')}`)).json() as { data: { result: Array<{ metric: { service: string } }> } }
    expect(query.data.result.map((r) => r.metric.service).sort()).toEqual(['classifier', 'frontend', 'prime'])
  })

  it('publishes no backend port on the host, and the frontend only on 127.0.0.1', async () => {
    for (const service of BACKENDS) {
      const info = await project.inspect(service)
      expect(Object.values(info.NetworkSettings.Ports ?? {}).flat().filter(Boolean), service).toEqual([])
      await expect(project.published(service, service === 'prime' ? 8081 : 8082)).rejects.toThrow()
    }
    // One binding, the public port: the metrics port (9464) is not published.
    const ports = (await project.inspect('frontend')).NetworkSettings.Ports ?? {}
    const bindings = Object.values(ports).flat().filter(Boolean)
    expect(bindings.map((b) => b?.HostIp)).toEqual(['127.0.0.1'])
    expect(Object.entries(ports).filter(([, b]) => (b ?? []).length > 0).map(([port]) => port)).toEqual(['8080/tcp'])
  })

  it('keeps the backends on an internal network that only the frontend and Prometheus share', async () => {
    const backend = await docker.getNetwork(`${project.name}_backend`).inspect() as { Internal: boolean, Containers: Record<string, { Name: string }> }
    expect(backend.Internal).toBe(true)
    const members = Object.values(backend.Containers).map((c) => c.Name.replace(`${project.name}-`, '').replace(/-\d+$/, '')).sort()
    expect(members).toEqual(['classifier', 'frontend', 'prime', 'prometheus'])
    for (const service of BACKENDS) {
      expect(Object.keys((await project.inspect(service)).NetworkSettings.Networks), service).toEqual([`${project.name}_backend`])
    }
    expect(Object.keys((await project.inspect('frontend')).NetworkSettings.Networks).sort())
      .toEqual([`${project.name}_backend`, `${project.name}_public`])
  })

  it('runs every service as the node user on a read-only root with no capabilities', async () => {
    for (const service of ['frontend', ...BACKENDS]) {
      const info = await project.inspect(service)
      expect(info.Config.User, service).toBe('node')
      expect(info.HostConfig).toMatchObject({ ReadonlyRootfs: true, CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges:true'] })
      expect(info.HostConfig.Memory, service).toBeGreaterThan(0)
      expect(info.HostConfig.NanoCpus, service).toBeGreaterThan(0)
    }
    const prometheus = await project.inspect('prometheus')
    expect(prometheus.Config.User).not.toMatch(/^(|root|0)$/)
    expect(prometheus.HostConfig).toMatchObject({ ReadonlyRootfs: true, CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges:true'] })
  })

  it('answers JSON 502/503 while the classifier is killed, and classifies again once it is started, without restarting the frontend', async () => {
    const before = await project.inspect('frontend')
    await run('docker', ['kill', await project.containerId('classifier')])
    const res = await classify('daisy.jpg')
    expect([502, 503]).toContain(res.status)
    expect(res.contentType).toMatch(/^application\/json/)
    expect(res.json).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } })
    // Docker counts `docker kill` as a deliberate stop: no restart policy brings the container back.
    expect((await project.inspect('classifier')).State.Status).toBe('exited')
    await run('docker', ['start', await project.containerId('classifier')])
    await waitFor('the classifier to serve through the frontend again', classifiesAgain)
    const after = await project.inspect('frontend')
    expect(after.State.StartedAt).toBe(before.State.StartedAt)
    expect(after.RestartCount).toBe(before.RestartCount)
  })

  it('restarts the classifier by itself after its process crashes', async () => {
    const before = await project.inspect('classifier')
    const frontendStarted = (await project.inspect('frontend')).State.StartedAt
    // SIGKILL every process but PID 1 (tini), which then exits with the child's status.
    await run('docker', ['exec', before.Id, 'sh', '-c', 'kill -KILL -1'])
    await waitFor('the restart policy to restart the classifier', async () =>
      (await project.inspect('classifier')).RestartCount > before.RestartCount ? true : undefined)
    await waitFor('the restarted classifier to serve through the frontend', classifiesAgain)
    expect((await project.inspect('frontend')).State.StartedAt).toBe(frontendStarted)
  })

  it('has models-init (compose.yaml alone) download from MODELS_BASE_URL, a mirror, checked against the catalog SHA-256', async () => {
    const plain = new ComposeProject('inference-stack-test-mirror', ['compose.yaml'], { MODEL: TEST_MODEL, IMAGE_TAG: TEST_IMAGE_TAG })
    try {
      await plain.compose('up', '--no-start', '--no-build', 'models-init')
      // The mirror is a web server on this host, on the project network's gateway address.
      const network = await docker.getNetwork(`${plain.name}_public`).inspect() as { IPAM: { Config: Array<{ Gateway?: string }> } }
      const gateway = network.IPAM.Config.find((c) => c.Gateway !== undefined)?.Gateway
      if (gateway === undefined) throw new Error(`${plain.name}_public has no gateway address`)
      const mirror = await serveModels(gateway)
      try {
        const out = await plain.compose('run', '--rm', '-T', '--no-deps', '-e', `MODELS_BASE_URL=${mirror.url}`, 'models-init')
        expect(out).toContain(`${TEST_MODEL}: ${TEST_MODEL}.onnx, 3.7 MB (from ${mirror.url})`)
        expect(out).toContain(`${TEST_MODEL}.onnx: downloaded to /models/${TEST_MODEL}.onnx, checksum ok`)
        expect(out).toContain('imagenet-labels.json: downloaded to /models/imagenet-labels.json, checksum ok')
        expect(mirror.hits).toEqual([`/models/${TEST_MODEL}.onnx`, '/models/imagenet-labels.json'])
      } finally {
        await mirror.close()
      }
    } finally {
      await plain.down()
    }
  })

  it('leaves no containers, networks or volumes behind after docker compose down -v', async () => {
    await project.down()
    expect(await project.leftovers()).toEqual({ containers: [], networks: [], volumes: [] })
  })
})
