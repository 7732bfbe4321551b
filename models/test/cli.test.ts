import { execFile } from 'node:child_process'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { tempDir, testModels } from './helpers.js'

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url))

async function cli (args: string[], env: Record<string, string> = {}): Promise<{ code: number, stdout: string, stderr: string }> {
  const { MODELS_DIR: _drop, ...base } = process.env
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...base, ...env } })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number, stdout: string, stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('models CLI', () => {
  it('fetch finds a valid model and labels in MODELS_DIR and downloads nothing', async () => {
    const source = await testModels()
    const dir = await tempDir()
    const { code, stdout } = await cli(['fetch', 'mobilenetv2-12-int8', '--dir', dir], { MODELS_DIR: source })
    expect(code).toBe(0)
    expect(stdout).toContain(`mobilenetv2-12-int8.onnx: present in ${source}, checksum ok`)
    expect(stdout).toContain(`imagenet-labels.json: present in ${source}, checksum ok`)
  })

  it('fetch exits 1 naming the known models for an unknown name', async () => {
    const { code, stderr } = await cli(['fetch', 'resnet51', '--dir', await tempDir()])
    expect(code).toBe(1)
    expect(stderr).toMatch(/^error: unknown model "resnet51"; known models: resnet50-v1-12, /)
  })

  it('fetch generates the synthetic ResNet-50 (ResNet-50 size, no download) and finds it the next time', async () => {
    const dir = await tempDir()
    const path = join(dir, 'synthetic-resnet50.onnx')
    const first = await cli(['fetch', 'synthetic-resnet50', '--dir', dir])
    expect(first.code).toBe(0)
    expect(first.stdout).toContain(`synthetic-resnet50.onnx: generated in ${path} (25,530,472 parameters, 102.1 MB)`)
    expect((await stat(path)).size).toBe(102_132_505)
    expect(await readdir(dir)).toEqual(['synthetic-resnet50.onnx'])
    const again = await cli(['fetch', 'synthetic-resnet50', '--dir', dir])
    expect(again.stdout).toContain(`synthetic-resnet50.onnx: present in ${dir}`)
  })

  it('list shows each catalog model as present or missing', async () => {
    const source = await testModels()
    const { code, stdout } = await cli(['list', '--dir', await tempDir()], { MODELS_DIR: source })
    expect(code).toBe(0)
    const lines = stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^name\s+precision\s+for\s+size\s+status\s+description$/)
    expect(lines.find((l) => l.startsWith('mobilenetv2-12-int8 '))).toContain('present (')
    expect(lines.find((l) => l.startsWith('resnet50-v1-12 '))).toMatch(/fp32\s+gpu\s+102\.6 MB\s+missing/)
  })

  it('exits 2 with the usage for an unknown command', async () => {
    const { code, stderr } = await cli(['download'])
    expect(code).toBe(2)
    expect(stderr).toContain('unknown command "download"')
  })
})
