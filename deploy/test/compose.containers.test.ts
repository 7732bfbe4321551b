import { cpus } from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ComposeProject } from './containers/compose-project.js'
import { MODELS_SOURCE } from './containers/assets.js'
import { classifierCpus, docker, requireDocker, run, TEST_IMAGE_TAG, TEST_MODEL, waitFor } from './containers/docker.js'
import { postImage, type Answer } from './containers/upload.js'

// compose.yaml as a user runs it, plus one override: models-init takes the
// model from MODELS_DIR (or the models cache) instead of the internet.
const project = new ComposeProject('inference-stack-test', ['compose.yaml', 'deploy/test/containers/compose.models-from-dir.yaml'], {
  MODEL: TEST_MODEL,
  MODELS_SOURCE,
  FRONTEND_PORT: '0',
  CLASSIFIER_CPUS: classifierCpus(cpus().length),
  IMAGE_TAG: TEST_IMAGE_TAG
})
const BACKENDS = ['prime', 'classifier']
let base = ''

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
    const body = res.json as { model: string, predictions: Array<{ label: string, probability: number }> }
    expect(body.model).toBe(TEST_MODEL)
    expect(body.predictions[0]).toMatchObject({ label: 'daisy' })
  })

  it('serves the page', async () => {
    const res = await fetch(`${base}/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await res.text()).toMatch(/<html/i)
  })

  it('fetched the model into the volume with a verified checksum and mounts it read-only', async () => {
    const init = await project.inspect('models-init')
    expect(init.State.ExitCode).toBe(0)
    expect(await project.logs('models-init')).toMatch(new RegExp(`${TEST_MODEL}\\.onnx: present in /models, checksum ok`))
    const mount = (await project.inspect('classifier')).Mounts.find((m) => m.Destination === '/models')
    expect(mount).toMatchObject({ Type: 'volume', RW: false })
  })

  it('publishes no backend port on the host, and the frontend only on 127.0.0.1', async () => {
    for (const service of BACKENDS) {
      const info = await project.inspect(service)
      expect(Object.values(info.NetworkSettings.Ports ?? {}).flat().filter(Boolean), service).toEqual([])
      await expect(project.published(service, service === 'prime' ? 8081 : 8082)).rejects.toThrow()
    }
    const bindings = Object.values((await project.inspect('frontend')).NetworkSettings.Ports ?? {}).flat().filter(Boolean)
    expect(bindings.map((b) => b?.HostIp)).toEqual(['127.0.0.1'])
  })

  it('keeps the backends on an internal network that only the frontend shares', async () => {
    const backend = await docker.getNetwork(`${project.name}_backend`).inspect() as { Internal: boolean }
    expect(backend.Internal).toBe(true)
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

  it('leaves no containers, networks or volumes behind after docker compose down -v', async () => {
    await project.down()
    expect(await project.leftovers()).toEqual({ containers: [], networks: [], volumes: [] })
  })
})
