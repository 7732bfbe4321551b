import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Check } from '../src/preflight.js'
import type { ContainerStatus } from '../src/status.js'

// Needs a Docker engine with the node:24-bookworm-slim image present locally.
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
const IMAGE = 'node:24-bookworm-slim'
const PROJECT = `deploy-test-${process.pid}-${Date.now()}`

interface CliRun { code: number, stdout: string, stderr: string }

function cli (args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { timeout: 120_000, env }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : Number((err as { code?: number }).code ?? 1), stdout, stderr })
    })
  })
}

const docker = new Docker()
let dir: string
let container: Docker.Container | undefined

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'deploy-containers-'))
  await docker.ping()
})

afterAll(async () => {
  await container?.remove({ force: true }).catch(() => {})
  await rm(dir, { recursive: true, force: true })
})

describe('deploy CLI against the Docker engine', () => {
  it('lists a labelled container in status with health, restarts, live stats and the planned limits', async () => {
    container = await docker.createContainer({
      Image: IMAGE,
      Cmd: ['sleep', '60'],
      Labels: { 'com.docker.compose.project': PROJECT, 'com.docker.compose.service': 'classifier' },
      HostConfig: { NanoCpus: 500_000_000, Memory: 64 * 2 ** 20 }
    })
    await container.start()
    const planFile = path.join(dir, 'plan.env')
    await writeFile(planFile, 'CLASSIFIER_CPUS=0.5\nCLASSIFIER_MEM=64m\nPRIME_CPUS=0.25\nPRIME_MEM=128m\n')

    const run = await cli(['status', '--project', PROJECT, '--plan', planFile, '--json'])
    expect(run.code, run.stderr).toBe(0)
    const { project, containers } = JSON.parse(run.stdout) as { project: string, containers: ContainerStatus[] }
    expect(project).toBe(PROJECT)
    expect(containers).toHaveLength(1)
    const [c] = containers
    expect(c).toMatchObject({ service: 'classifier', state: 'running', health: '-', restarts: 0, cpuLimit: 0.5, memLimitMiB: 64, planned: { cpus: 0.5, memMiB: 64 } })
    expect(c!.memMiB).toBeGreaterThanOrEqual(0)
    expect(c!.memMiB).toBeLessThan(64)
    expect(c!.flags.filter((f) => f.includes('planned'))).toEqual([])

    const text = await cli(['status', '--project', PROJECT, '--plan', path.join(dir, 'other.env')])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^container\s+service\s+state\s+health\s+restarts/)
    expect(text.stdout).toMatch(/classifier\s+running\s+-\s+0\s/)
    expect(text.stderr).toMatch(/no plan at .*other\.env/)

    await container.remove({ force: true })
    container = undefined
    const gone = await cli(['status', '--project', PROJECT])
    expect(gone.stdout).toContain(`no containers with label com.docker.compose.project=${PROJECT}`)
  })

  it('checks the engine in preflight and warns when a CUDA plan meets an engine without the NVIDIA runtime', async () => {
    const info = await docker.info() as { NCPU: number, Runtimes?: Record<string, unknown> }
    const run = await cli(['preflight', '--machine', 'g4dn.xlarge', '--images', `${IMAGE},${PROJECT}-absent`, '--json'])
    expect(run.code, run.stderr).toBe(0)
    const { provider, checks } = JSON.parse(run.stdout) as { provider: string, checks: Check[] }
    expect(provider).toBe('cuda')
    const byName = Object.fromEntries(checks.map((c) => [c.name, c]))
    expect(byName.engine!.level).toBe('ok')
    expect(byName.engine!.detail).toMatch(/^Docker \d+\.\d+/)
    expect(byName.resources!.detail).toMatch(/\d/)
    if (Object.keys(info.Runtimes ?? {}).includes('nvidia')) {
      expect(byName.gpu!.level).toBe('ok')
    } else {
      expect(byName.gpu!.level).toBe('warn')
      expect(byName.gpu!.detail).toMatch(/no nvidia runtime/)
    }
    expect(byName[`image ${IMAGE}`]!.level).toBe('ok')
    expect(byName[`image ${PROJECT}-absent`]!.level).toBe('warn')

    const local = await cli(['preflight', '--machine', 'local', '--images', IMAGE])
    expect(local.code).toBe(0)
    expect(local.stdout).toMatch(/^Preflight for the local plan \(resnet50-v1-12-int8 on cpu\)/)
    expect(local.stdout).toMatch(new RegExp(`^resources\\s+ok\\s+${info.NCPU} CPUs`, 'm'))
  })

  it('fails preflight with exit code 1 when the engine cannot be reached', async () => {
    const run = await cli(['preflight', '--images', IMAGE], { ...process.env, DOCKER_HOST: `unix://${path.join(dir, 'absent.sock')}` })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/engine\s+fail\s+cannot reach the Docker engine/)
  })
})
