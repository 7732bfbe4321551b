import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseGpuProfile, pickGpuProfile, type SourcedGpuProfile } from '../src/gpu-profile.js'
import { MACHINES } from '../src/machines.js'
import { gpuProfileFor, planFromFlags } from '../src/plan-options.js'
import { plan, PlanError, type Plan } from '../src/planner.js'
import { gpuProfile } from './gpu-profile-fixture.js'

const g4dn = MACHINES['g4dn.xlarge']!
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
const flags = { machine: 'g4dn.xlarge', provider: 'auto', 'profile-model': 'mobilenetv2-12-int8', 'core-speed': '1' }

let dir: string
beforeAll(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'gpu-profiles-')) })
afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

async function write (name: string, profile: unknown): Promise<string> {
  const file = path.join(dir, name)
  await writeFile(file, JSON.stringify(profile, null, 2))
  return file
}

describe('planner with gpu:check profiles', () => {
  it('replaces the public T4 figures with the measured batch curve and GPU memory', () => {
    const sourced: SourcedGpuProfile = { file: 'deploy/gpu-profiles/t4.json', profile: gpuProfile() }
    const p = plan({ machine: g4dn, gpuProfile: sourced })
    const b = p.classifier.MAX_BATCH_SIZE
    expect(p.classifier.batchRunMs).toBeCloseTo(3 + 1.5 * b, 2)
    expect(p.capacity.limits.gpu).toBe(Math.round(b * 1000 / (3 + 1.5 * b)))
    expect(p.gpu!.measured).toBe(true)
    expect(p.gpu!.ceiling.imagesPerSec).toBe(Math.round(32_000 / (3 + 1.5 * 32)))
    expect(p.gpuMemory!.measuredMiB).toBe(500 + 20 * b)
    expect(p.gpuMemory!.totalMiB).toBe(500 + 20 * b)
    const curve = p.sources.find((f) => f.figure.includes('batch time'))!
    expect(curve.origin).toBe('measured')
    expect(curve.source).toContain('deploy/gpu-profiles/t4.json')
    expect(p.sources.find((f) => f.figure === 'GPU memory of the classifier')!.origin).toBe('measured')
  })

  it('refuses a profile that ran on the CPU, on another GPU or with another model as a T4 profile', () => {
    const cpu: SourcedGpuProfile = { file: 'cpu.json', profile: gpuProfile({ provider: 'cpu', gpu: null }) }
    expect(() => plan({ machine: g4dn, gpuProfile: cpu })).toThrow(/cpu.json ran on cpu, not CUDA: it is not a GPU profile/)
    const a10: SourcedGpuProfile = { file: 'a10.json', profile: gpuProfile({ gpu: { name: 'NVIDIA A10G', memoryMiB: 23_028, driver: '570' } }) }
    expect(() => plan({ machine: g4dn, gpuProfile: a10 })).toThrow(/measured on NVIDIA A10G, not the g4dn.xlarge's NVIDIA T4/)
    const other: SourcedGpuProfile = { file: 'v2.json', profile: gpuProfile({ model: { name: 'resnet50-v2-7', sha256: 'x' } }) }
    expect(() => plan({ machine: g4dn, gpuProfile: other })).toThrow(PlanError)
    expect(pickGpuProfile([cpu, a10, other], 'NVIDIA T4', 'resnet50-v1-12')).toBeUndefined()
  })

  it('picks the newest CUDA profile of the GPU and model from a directory', async () => {
    const sub = await mkdtemp(path.join(dir, 'pick-'))
    await writeFile(path.join(sub, 'old.json'), JSON.stringify(gpuProfile({ createdAt: '2026-01-01T00:00:00.000Z' }, { fixedMs: 9, perImageMs: 9 })))
    await writeFile(path.join(sub, 'new.json'), JSON.stringify(gpuProfile()))
    await writeFile(path.join(sub, 'cpu.json'), JSON.stringify(gpuProfile({ provider: 'cpu', createdAt: '2027-01-01T00:00:00.000Z' })))
    const p = await planFromFlags({ ...flags, 'gpu-profiles': sub })
    expect(p.gpu!.curveSource).toContain('new.json')
    expect(p.notes.join('\n')).toContain(`GPU figures measured by gpu:check: ${path.join(sub, 'new.json')}`)
  })

  it('stops with a reason when --gpu-profiles holds no CUDA profile for the plan', async () => {
    const file = await write('cpu-only.json', gpuProfile({ provider: 'cpu', gpu: null }))
    await expect(planFromFlags({ ...flags, 'gpu-profiles': file })).rejects.toThrow(/no CUDA profile of resnet50-v1-12 on a NVIDIA T4 in .*cpu-only.json ran on cpu, not CUDA/)
  })

  it('says the GPU figures are public defaults when the default directory holds no profile', async () => {
    const notes: string[] = []
    expect(await gpuProfileFor(g4dn, flags, notes, path.join(dir, 'no-such-dir'))).toBeUndefined()
    expect(notes).toEqual(['GPU figures are public NVIDIA T4 figures, not measured: run npm run gpu:check on the GPU host to replace them'])
    expect(await gpuProfileFor(MACHINES['c6i.xlarge']!, { ...flags, machine: 'c6i.xlarge' }, notes)).toBeUndefined()
    expect(notes).toHaveLength(1)
  })

  it('rejects a file that is not a gpu:check profile, naming the file and the field', () => {
    expect(() => parseGpuProfile('{"kind":"load-result"}', 'x.json')).toThrow(/x.json: not a gpu-profile/)
    const bad = { ...gpuProfile(), batches: [{ batch: 1, p50Ms: 0, p99Ms: 1, imagesPerSec: 1 }] }
    expect(() => parseGpuProfile(JSON.stringify(bad), 'y.json')).toThrow(/y.json: every batch needs positive/)
  })

  it('reads the profile through the CLI and prints which figures are measured', async () => {
    const file = await write('cli.json', gpuProfile())
    const out = await new Promise<{ code: number, stdout: string, stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', CLI, 'plan', '--gpu-profiles', file, '--dry-run', '--json'], (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : Number((err as { code?: number }).code ?? 1), stdout, stderr })
      })
    })
    expect(out.stderr).toBe('')
    expect(out.code).toBe(0)
    const p = JSON.parse(out.stdout) as Plan
    expect(p.gpu!.measured).toBe(true)
    expect(p.sources.filter((f) => f.origin === 'measured').map((f) => f.figure)).toEqual(['resnet50-v1-12 batch time on the NVIDIA T4', 'GPU memory of the classifier'])
  })
})
