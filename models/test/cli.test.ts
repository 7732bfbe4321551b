import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { SHARED_MODELS, tempDir } from './helpers.js'

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
    const dir = await tempDir()
    const { code, stdout } = await cli(['fetch', 'mobilenetv2-12-int8', '--dir', dir], { MODELS_DIR: SHARED_MODELS })
    expect(code).toBe(0)
    expect(stdout).toContain(`mobilenetv2-12-int8.onnx: present in ${SHARED_MODELS}, checksum ok`)
    expect(stdout).toContain(`imagenet-labels.json: present in ${SHARED_MODELS}, checksum ok`)
  })

  it('fetch exits 1 naming the known models for an unknown name', async () => {
    const { code, stderr } = await cli(['fetch', 'resnet51', '--dir', await tempDir()])
    expect(code).toBe(1)
    expect(stderr).toMatch(/^error: unknown model "resnet51"; known models: resnet50-v1-12, /)
  })

  it('fetch explains that the synthetic model is generated, not downloaded', async () => {
    const { code, stderr } = await cli(['fetch', 'synthetic-resnet50', '--dir', await tempDir()])
    expect(code).toBe(1)
    expect(stderr).toContain('"synthetic-resnet50" is generated, not downloaded: /usr/bin/python3 shared/models/make-synthetic-resnet50.py')
  })

  it('list shows each catalog model as present or missing', async () => {
    const { code, stdout } = await cli(['list', '--dir', await tempDir()], { MODELS_DIR: SHARED_MODELS })
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
