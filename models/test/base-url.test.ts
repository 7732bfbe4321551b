import { execFile } from 'node:child_process'
import { once } from 'node:events'
import { createReadStream } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchModel, getEntry, ModelError, modelsBaseUrl, sha256File, type DownloadableEntry } from '../src/index.js'
import { tempDir, testModels } from './helpers.js'

const MODELS = await testModels()

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
const MOBILENET = getEntry('mobilenetv2-12-int8') as DownloadableEntry

// A mirror as an air-gapped site runs one: a plain web server with the catalog's files under one path.
// `/swapped/` serves the labels under the model's name, to prove the catalog SHA-256 still guards it.
let server: Server
let mirror: string
const hits: string[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '')
    const [, dir, file] = /^\/(mirror|swapped)\/([\w.-]+)$/.exec(req.url ?? '') ?? []
    if (file === undefined) return res.writeHead(404).end()
    const served = dir === 'swapped' && file.endsWith('.onnx') ? 'imagenet-labels.json' : file
    const path = join(MODELS, served)
    stat(path).then((info) => {
      res.writeHead(200, { 'content-length': info.size })
      createReadStream(path).pipe(res)
    }, () => res.writeHead(404).end())
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

async function cli (args: string[], env: Record<string, string>): Promise<{ code: number, stdout: string, stderr: string }> {
  const { MODELS_DIR: _drop, ...base } = process.env
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...base, ...env } })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number, stdout: string, stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('MODELS_BASE_URL', () => {
  it('accepts an http(s) URL, with or without a trailing slash, and treats empty as unset', () => {
    expect(modelsBaseUrl('http://mirror.internal/models/')).toBe('http://mirror.internal/models')
    expect(modelsBaseUrl('https://bucket.example/onnx')).toBe('https://bucket.example/onnx')
    expect(modelsBaseUrl('')).toBeUndefined()
    expect(modelsBaseUrl(undefined)).toBeUndefined()
  })

  it('refuses a value that is not an http(s) URL, naming the variable', () => {
    expect(() => modelsBaseUrl('/srv/models')).toThrow(ModelError)
    expect(() => modelsBaseUrl('/srv/models')).toThrow('MODELS_BASE_URL="/srv/models" is not a URL')
    expect(() => modelsBaseUrl('file:///srv/models')).toThrow('must be an http:// or https:// URL (for a local directory, set MODELS_DIR instead)')
  })

  it('fetches the model and its labels from MODELS_BASE_URL/<file> and checks them against the catalog SHA-256', async () => {
    const dir = await tempDir()
    const before = hits.length
    const { model, labels } = await fetchModel(MOBILENET, { dir, baseUrl: `${mirror}/mirror` })
    expect(hits.slice(before)).toEqual(['/mirror/mobilenetv2-12-int8.onnx', '/mirror/imagenet-labels.json'])
    expect(model).toEqual({ path: join(dir, MOBILENET.file), status: 'downloaded', sha256: MOBILENET.sha256 })
    expect(labels.status).toBe('downloaded')
    expect(await sha256File(model.path)).toBe(MOBILENET.sha256)
  })

  it('discards a file from the mirror whose SHA-256 is not the catalog one', async () => {
    const dir = await tempDir()
    await expect(fetchModel(MOBILENET, { dir, baseUrl: `${mirror}/swapped` })).rejects.toThrow(
      `downloaded ${mirror}/swapped/mobilenetv2-12-int8.onnx does not match the catalog`)
    expect(await readdir(dir)).toEqual([])
  })

  it('is honoured by `models fetch`, which names the mirror', async () => {
    const dir = await tempDir()
    const { code, stdout } = await cli(['fetch', MOBILENET.name, '--dir', dir], { MODELS_BASE_URL: `${mirror}/mirror/` })
    expect(code).toBe(0)
    expect(stdout).toContain(`mobilenetv2-12-int8: mobilenetv2-12-int8.onnx, 3.7 MB (from ${mirror}/mirror)`)
    expect(stdout).toContain(`mobilenetv2-12-int8.onnx: downloaded to ${join(dir, MOBILENET.file)}, checksum ok`)
    expect((await readFile(join(dir, 'imagenet-labels.json'))).length).toBeGreaterThan(0)
  })

  it('makes `models fetch` exit 1 with one line when it is not a URL', async () => {
    const { code, stderr } = await cli(['fetch', MOBILENET.name, '--dir', await tempDir()], { MODELS_BASE_URL: 'ftp://mirror/models' })
    expect(code).toBe(1)
    expect(stderr.trim()).toBe('error: MODELS_BASE_URL="ftp://mirror/models" must be an http:// or https:// URL (for a local directory, set MODELS_DIR instead)')
  })
})

describe('models check', () => {
  it('verifies a model and its labels in place and downloads nothing', async () => {
    const before = hits.length
    const dir = await tempDir()
    const { code, stdout } = await cli(['check', MOBILENET.name, '--dir', dir], { MODELS_DIR: MODELS, MODELS_BASE_URL: `${mirror}/mirror` })
    expect(code).toBe(0)
    expect(stdout).toContain(`mobilenetv2-12-int8.onnx: present in ${MODELS}, checksum ok`)
    expect(stdout).toContain(`imagenet-labels.json: present in ${MODELS}, checksum ok`)
    expect(hits.length).toBe(before)
    expect(await readdir(dir)).toEqual(['.checksums.json'])
  })

  it('exits 1 saying how to install a missing model', async () => {
    const dir = await tempDir()
    const { code, stderr } = await cli(['check', MOBILENET.name, '--dir', dir], {})
    expect(code).toBe(1)
    expect(stderr).toContain(`error: model "mobilenetv2-12-int8" not found in ${dir} (MODELS_DIR is not set). To install it, run npm run models:fetch mobilenetv2-12-int8`)
    expect(await readdir(dir)).toEqual([])
  })
})
