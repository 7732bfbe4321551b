import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

const PYTHON = '/usr/bin/python3'

/**
 * Makes sure `<cacheDir>/synthetic-resnet50.onnx` exists, generating it with
 * shared/models/make-synthetic-resnet50.py (Debian's python3-onnx and
 * python3-numpy; pyenv's python3 on PATH lacks onnx).
 */
export async function ensureSynthetic (sharedDir: string, cacheDir: string, file: string): Promise<string> {
  const out = join(cacheDir, file)
  if (existsSync(out)) return out
  const script = join(sharedDir, 'models', 'make-synthetic-resnet50.py')
  await mkdir(cacheDir, { recursive: true })
  const tmp = `${out}.${process.pid}.part`
  console.log(`generating ${out} with ${script} ...`)
  try {
    await promisify(execFile)(PYTHON, [script, tmp])
    await rename(tmp, out)
  } catch (err) {
    await rm(tmp, { force: true })
    throw new Error(`cannot generate the synthetic ResNet-50: ${(err as Error).message.split('\n').slice(-3).join(' ')}\n` +
      'It needs Debian\'s onnx and numpy: apt-get install -y python3-onnx python3-numpy')
  }
  return out
}
