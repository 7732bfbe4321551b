import { execFile } from 'node:child_process'
import { access, mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeResult, type LoadResult } from '@inference-stack/loadtest'
import type { Plan } from '../src/planner.js'
import { result } from './load-result.js'

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url))

interface CliRun { code: number, stdout: string, stderr: string }

/** Runs the real CLI in a child process through tsx, as `npm run deploy` does. */
function cli (args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : Number((err as { code?: number }).code ?? 1), stdout, stderr })
    })
  })
}

let dir: string
beforeAll(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'deploy-cli-')) })
afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

describe('deploy CLI: plan', () => {
  it('prints a readable plan for g4dn.xlarge and writes the env file for compose', async () => {
    const envFile = path.join(dir, 'g4dn.env')
    const run = await cli(['plan', '--machine', 'g4dn.xlarge', '--out', envFile])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^Plan for g4dn.xlarge: 4 vCPU .*NVIDIA T4 \(15360 MiB usable\)/)
    expect(run.stdout).toMatch(/^classifier\s+1\s+2\.50\s+\d+m/m)
    expect(run.stdout).toMatch(/^MAX_QUEUE\s+\d+/m)
    expect(run.stdout).toMatch(/Bottleneck: CPU JPEG decode bounds classify at ~\d+ img\/s/)
    expect(run.stdout).toMatch(/Cost: \$0\.526\/h .* = \$\d+\.\d\d per million images/)
    expect(run.stdout).toMatch(/note: no --profiles: per-request costs are defaults/)
    expect(run.stdout).toMatch(/^GPU fp32 ceiling, batch 32 \(public figures\)\s+412 img\/s$/m)
    expect(run.stdout).toMatch(/^GPU FP16 ceiling, batch 32 \(estimate: no FP16 model ships\)\s+1083 img\/s$/m)
    expect(run.stdout).toMatch(/^FP16: .* CPU decode .* would still bind/m)
    expect(run.stdout).toContain('https://github.com/NVIDIA/DeepLearningExamples')
    expect(run.stderr).toContain(`wrote ${envFile}`)
    const env = await readFile(envFile, 'utf8')
    for (const key of ['FRONTEND_CPUS', 'FRONTEND_MEM', 'PRIME_CPUS', 'PRIME_MEM', 'PRIME_REPLICAS', 'CLASSIFIER_CPUS', 'CLASSIFIER_MEM',
      'EXECUTION_PROVIDER', 'MODEL', 'WORKERS', 'INTRA_OP_THREADS', 'MAX_BATCH_SIZE', 'MAX_QUEUE_DELAY_MS', 'MAX_QUEUE', 'UV_THREADPOOL_SIZE', 'RETRY_AFTER_S']) {
      expect(env).toMatch(new RegExp(`^${key}=\\S+$`, 'm'))
    }
    expect(env).toMatch(/^CLASSIFIER_CPUS=2\.5$/m)
    expect(env).toMatch(/^RETRY_AFTER_S=\d+$/m)
    expect(env).toMatch(/^CLASSIFIER_MEM=\d+m$/m)
    expect(env).toMatch(/^EXECUTION_PROVIDER=cuda$/m)
  })

  it('prints the plan as JSON with --json and writes nothing with --dry-run', async () => {
    const envFile = path.join(dir, 'none.env')
    const run = await cli(['plan', '--machine', 'c6i.xlarge', '--images-per-sec', '40', '--slo-ms', '500', '--json', '--dry-run', '--out', envFile])
    expect(run.code).toBe(0)
    const plan = JSON.parse(run.stdout) as Plan
    expect(plan.machine.name).toBe('c6i.xlarge')
    expect(plan.provider).toBe('cpu')
    expect(plan.target).toEqual({ imagesPerSec: 40, primePerSec: 0, sloMs: 500, sloDefaulted: false })
    expect(plan.capacity.classify.kind).toBe('cpu-inference')
    await expect(access(envFile)).rejects.toThrow()
  })

  it('plans from loadtest profiles given with --profiles', async () => {
    const results = path.join(dir, 'results')
    const profile: LoadResult = {
      ...result('classify', 'frontend', {
        frontend: { pid: 1, rssMiB: { mean: 80, max: 85 }, cpuPercent: 4, cpuSeconds: 0.4, cpuSecondsPerRequest: 0.0005 },
        classifier: { pid: 2, rssMiB: { mean: 170, max: 180 }, cpuPercent: 150, cpuSeconds: 15, cpuSecondsPerRequest: 0.02 }
      }),
      connections: 8,
      requestsPerSec: 80,
      latencyMs: { p50: 90, p90: 120, p99: 200, max: 250, mean: 95 },
      total: 800,
      clientCpuPercent: 20
    }
    const file = await writeResult(profile, { resultsDir: results, tablePath: path.join(dir, 'results.md') })
    const run = await cli(['plan', '--profiles', results, '--core-speed', '0.8', '--json', '--dry-run'])
    expect(run.code).toBe(0)
    const plan = JSON.parse(run.stdout) as Plan
    expect(plan.costs.classifierCpuPerImage.measured).toBe(true)
    expect(plan.costs.classifierCpuPerImage.source).toContain(file)
    expect(plan.costs.frontendCpuPerImage.value).toBeCloseTo(0.0005 / 0.8, 9)
  })

  it('rejects an unknown machine and a bad number with exit code 2, naming them', async () => {
    const machine = await cli(['plan', '--machine', 'p3.2xlarge', '--dry-run'])
    expect(machine.code).toBe(2)
    expect(machine.stderr).toMatch(/unknown machine "p3.2xlarge"; known: g4dn.xlarge, g4dn.2xlarge, c6i.xlarge, local/)
    const rate = await cli(['plan', '--images-per-sec', 'lots', '--dry-run'])
    expect(rate.code).toBe(2)
    expect(rate.stderr).toContain('--images-per-sec must be a number >= 0, got "lots"')
    const flag = await cli(['plan', '--gpus', '2'])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toMatch(/error: .*--gpus/)
    const command = await cli(['deploy'])
    expect(command.code).toBe(2)
    expect(command.stderr).toMatch(/unknown command "deploy"/)
  })
})

describe('the env file and the compose files', () => {
  it('writes only variables that compose.yaml passes to a service', async () => {
    const envFile = path.join(dir, 'keys.env')
    expect((await cli(['plan', '--machine', 'g4dn.xlarge', '--out', envFile])).code).toBe(0)
    const compose = await readFile(new URL('../../compose.yaml', import.meta.url), 'utf8')
    const keys = (await readFile(envFile, 'utf8')).split('\n').filter((l) => /^[A-Z]/.test(l)).map((l) => l.split('=')[0]!)
    expect(keys).toContain('PRIME_REPLICAS')
    expect(keys).toContain('RETRY_AFTER_S')
    for (const key of keys) expect(compose, `${key} is written but compose.yaml never reads it`).toContain(`\${${key}:-`)
  })
})
