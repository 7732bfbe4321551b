import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const read = async (file: string): Promise<string> => await readFile(new URL(`../../${file}`, import.meta.url), 'utf8')

interface StackService {
  environment?: Record<string, string>
  deploy?: { replicas?: number | string, resources?: { reservations?: { generic_resources?: Array<{ discrete_resource_spec: { kind: string, value: number } }> } } }
}

/** swarmkit's genericresource.EnvFormat: the variable a task gets for a generic resource kind. */
const swarmEnvVar = (kind: string): string => `DOCKER_RESOURCE_${kind}`.toUpperCase()

describe('Swarm with a GPU per node', () => {
  it('names one resource kind in the stack, the daemon\'s node-generic-resources and the runtime\'s swarm-resource', async () => {
    const gpu = parse(await read('deploy/stack.gpu.yaml')) as { services: Record<string, StackService> }
    const reservations = gpu.services.classifier!.deploy!.resources!.reservations!.generic_resources!
    expect(reservations).toEqual([{ discrete_resource_spec: { kind: 'NVIDIA-GPU', value: 1 } }])
    const kind = reservations[0]!.discrete_resource_spec.kind
    const readme = await read('deploy/README.md')
    expect(readme).toContain(`"node-generic-resources": ["${kind}=GPU-`)
    expect(readme).toContain(`swarm-resource = "${swarmEnvVar(kind)}"`)
    expect(swarmEnvVar(kind)).toBe('DOCKER_RESOURCE_NVIDIA-GPU')
    expect(readme).not.toMatch(/DOCKER_RESOURCE_GPU\b/)
  })

  it('keeps the task to its assigned GPU instead of the CUDA image\'s NVIDIA_VISIBLE_DEVICES=all', async () => {
    const gpu = parse(await read('deploy/stack.gpu.yaml')) as { services: Record<string, StackService> }
    expect(gpu.services.classifier!.environment!.NVIDIA_VISIBLE_DEVICES).toBe('none')
  })

  it('takes prime replicas and the classifier settings from the plan\'s env file', async () => {
    const stack = await read('deploy/stack.yaml')
    for (const key of ['PRIME_REPLICAS', 'RETRY_AFTER_S', 'MAX_BATCH_SIZE', 'MAX_QUEUE', 'MAX_QUEUE_DELAY_MS', 'INTRA_OP_THREADS', 'UV_THREADPOOL_SIZE']) {
      expect(stack).toContain(`\${${key}:-`)
    }
  })
})
