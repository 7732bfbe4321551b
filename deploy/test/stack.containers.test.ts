import { cpus } from 'node:os'
import type { ClassifyResponse } from '@inference-stack/classifier/contract'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MODELS_SOURCE } from './containers/assets.js'
import { classifierCpus, docker, requireDocker, run, TEST_IMAGE_TAG, TEST_MODEL, waitFor } from './containers/docker.js'
import { freePort, SingleNodeSwarm, SwarmStack } from './containers/swarm-stack.js'
import { postImage } from './containers/upload.js'

const stack = new SwarmStack(`inference-stack-test-${process.pid}`, ['deploy/stack.yaml', 'deploy/test/containers/stack.models-from-dir.yaml'], {
  MODEL: TEST_MODEL,
  MODELS_SOURCE,
  CLASSIFIER_CPUS: classifierCpus(cpus().length),
  IMAGE_TAG: TEST_IMAGE_TAG
})
const swarm = new SingleNodeSwarm()
let base = ''

/** Run inside the frontend's container: every address `prime` resolves to, and what each answers. */
const ASK_EVERY_PRIME = `require('node:dns').promises.lookup('prime', { all: true }).then(async (addrs) => {
  const out = []
  for (const { address } of addrs) {
    const res = await fetch('http://' + address + ':8081/check/97')
    out.push({ address, status: res.status, body: await res.json() })
  }
  console.log(JSON.stringify(out))
})`

beforeAll(async () => {
  await requireDocker()
  await run('docker', ['compose', '-f', 'compose.yaml', 'build'], { IMAGE_TAG: TEST_IMAGE_TAG })
  await swarm.join()
})

afterAll(async () => {
  await swarm.leave()
})

describe('deploy/stack.yaml on a single-node swarm', () => {
  beforeAll(async () => {
    const port = await freePort()
    await stack.up({ FRONTEND_PORT: String(port) })
    base = `http://127.0.0.1:${port}`
    await stack.healthy('classifier', 1)
    await stack.healthy('frontend', 1)
  })

  afterAll(async () => {
    await stack.down()
  })

  it('runs two healthy prime replicas, and each one answers the frontend', async () => {
    const replicas = await stack.healthy('prime', 2)
    const frontend = (await stack.containers('frontend'))[0]!
    const answers = JSON.parse(await run('docker', ['exec', frontend.Id, 'node', '-e', ASK_EVERY_PRIME])) as
      Array<{ address: string, status: number, body: unknown }>
    const replicaAddresses = replicas.map((c) => c.NetworkSettings.Networks[`${stack.name}_backend`]?.IPAddress).sort()
    expect(answers.map((a) => a.address).sort()).toEqual(replicaAddresses)
    for (const answer of answers) {
      expect(answer.status).toBe(200)
      expect(answer.body).toMatchObject({ number: '97', is_prime: true })
    }
  })

  it('serves a prime check and a classification through the host-mode port', async () => {
    const prime = await waitFor('the frontend to answer on its host-mode port', async () =>
      await fetch(`${base}/api/prime/check/91`).catch(() => undefined))
    expect(prime.status).toBe(200)
    expect(await prime.json()).toMatchObject({ number: '91', is_prime: false })

    const res = await postImage(`${base}/api/classify`, 'goldfish.jpg')
    expect(res.status).toBe(200)
    const body = res.json as ClassifyResponse
    expect(body.model).toBe(TEST_MODEL)
    expect(body.predictions[0]).toMatchObject({ label: 'goldfish' })
  })

  it('leaves no containers, networks or volumes behind after docker stack rm', async () => {
    await stack.down()
    expect(await stack.leftovers()).toEqual({ containers: [], networks: [], volumes: [] })
  })
})

describe('deploy/stack.gpu.yaml on a single-node swarm', () => {
  const gpuStack = new SwarmStack(`inference-stack-gpu-test-${process.pid}`, ['deploy/stack.yaml', 'deploy/stack.gpu.yaml'], {
    IMAGE_TAG: TEST_IMAGE_TAG
  })

  afterAll(async () => {
    await gpuStack.down()
  })

  it('asks swarm for one NVIDIA GPU per classifier task, on nodes labelled gpu=true', async () => {
    await gpuStack.up({ FRONTEND_PORT: String(await freePort()) })
    // This node has no GPU: the task stays pending, the service spec is what is checked.
    const { Spec: spec } = await docker.getService(`${gpuStack.name}_classifier`).inspect() as { Spec: GpuServiceSpec }
    expect(spec.TaskTemplate.Resources.Reservations.GenericResources).toEqual([{ DiscreteResourceSpec: { Kind: 'NVIDIA-GPU', Value: 1 } }])
    expect(spec.TaskTemplate.Placement.Constraints).toEqual(['node.labels.gpu == true'])
    expect(spec.TaskTemplate.ContainerSpec.Image).toBe(`inference-stack/classifier:${TEST_IMAGE_TAG}-gpu`)
    expect(spec.TaskTemplate.ContainerSpec.Env).toEqual(expect.arrayContaining(['EXECUTION_PROVIDER=cuda', 'MODEL=resnet50-v1-12']))
  })
})

interface GpuServiceSpec {
  TaskTemplate: {
    ContainerSpec: { Image: string, Env: string[] }
    Placement: { Constraints: string[] }
    Resources: { Reservations: { GenericResources: unknown[] } }
  }
}
