import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, afterAll, describe, expect, it } from 'vitest'
import { fetchFile, fetchModel, getEntry, ModelError, type Artifact, type DownloadableEntry, type LabelSource } from '../src/index.js'
import { tempDir } from './helpers.js'

const body = randomBytes(3 * 1024 * 1024 + 123)
const sha256 = createHash('sha256').update(body).digest('hex')
const labelsBody = Buffer.from(JSON.stringify(Array.from({ length: 1000 }, (_, i) => `class ${i}`)))
let server: Server
let base: string
const hits: string[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '')
    if (req.url === '/raw/model.onnx') {
      res.writeHead(302, { location: '/media/model.onnx' }).end()
    } else if (req.url === '/media/model.onnx') {
      res.writeHead(200, { 'content-length': body.length }).end(body)
    } else if (req.url === '/labels.json') {
      res.writeHead(200, { 'content-length': labelsBody.length }).end(labelsBody)
    } else if (req.url === '/cut.onnx') {
      res.writeHead(200, { 'content-length': body.length })
      res.write(body.subarray(0, body.length >> 1), () => res.destroy())
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found')
    }
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

function artifact (path: string, file = 'model.onnx'): Artifact {
  return { file, url: `${base}${path}`, sha256, bytes: body.length }
}

async function leftovers (dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.part'))
}

describe('fetchFile', () => {
  it('follows a redirect, verifies while streaming and renames into place', async () => {
    const dir = await tempDir()
    const lines: string[] = []
    const result = await fetchFile(artifact('/raw/model.onnx'), { dir, log: (l) => lines.push(l) })
    expect(result).toEqual({ path: join(dir, 'model.onnx'), status: 'downloaded', sha256 })
    expect((await readFile(result.path)).equals(body)).toBe(true)
    expect(await leftovers(dir)).toEqual([])
    expect(lines).toEqual([`model.onnx: downloaded to ${join(dir, 'model.onnx')}, checksum ok`])
  })

  it('downloads nothing when a valid copy is in the directory or in MODELS_DIR', async () => {
    const [dir, modelsDir] = [await tempDir(), await tempDir()]
    await writeFile(join(modelsDir, 'model.onnx'), body)
    const before = hits.length
    const inModelsDir = await fetchFile(artifact('/raw/model.onnx'), { dir, modelsDir })
    expect(inModelsDir).toEqual({ path: join(modelsDir, 'model.onnx'), status: 'present', sha256 })
    await writeFile(join(dir, 'model.onnx'), body)
    const inDir = await fetchFile(artifact('/raw/model.onnx'), { dir })
    expect(inDir.status).toBe('present')
    expect(hits.length).toBe(before)
  })

  it('replaces a corrupt copy in the directory with a fresh download', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'model.onnx'), Buffer.concat([body.subarray(1), Buffer.from([0])]))
    const result = await fetchFile(artifact('/raw/model.onnx'), { dir })
    expect(result.status).toBe('downloaded')
    expect((await readFile(result.path)).equals(body)).toBe(true)
  })

  it('names the HTTP status of a 404 and leaves no file behind', async () => {
    const dir = await tempDir()
    await expect(fetchFile(artifact('/nowhere.onnx'), { dir })).rejects.toThrow(`cannot download ${base}/nowhere.onnx: HTTP 404 Not Found`)
    expect(await readdir(dir)).toEqual([])
  })

  it('fails on a connection cut mid-body and removes the temporary file', async () => {
    const dir = await tempDir()
    const error = await fetchFile(artifact('/cut.onnx'), { dir }).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(ModelError)
    expect((error as Error).message).toMatch(new RegExp(`^download of ${base}/cut.onnx failed after \\d+\\.\\d MB of 3\\.1 MB: .+; run the fetch again$`))
    expect(await readdir(dir)).toEqual([])
  })

  it('discards a download whose checksum is not the catalog one', async () => {
    const dir = await tempDir()
    const wrong = { ...artifact('/raw/model.onnx'), sha256: '0'.repeat(64) }
    await expect(fetchFile(wrong, { dir })).rejects.toThrow(`expected ${body.length} bytes, sha256 ${'0'.repeat(64)}; got ${body.length} bytes, sha256 ${sha256}. The file was discarded`)
    expect(await readdir(dir)).toEqual([])
  })

  it('says the URL and suggests MODELS_BASE_URL and MODELS_DIR when the server is unreachable', async () => {
    const dir = await tempDir()
    const closed = createServer()
    closed.listen(0, '127.0.0.1')
    await once(closed, 'listening')
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const url = `http://127.0.0.1:${port}/model.onnx`
    await expect(fetchFile({ ...artifact('/x'), url }, { dir })).rejects.toThrow(
      new RegExp(`^cannot download ${url}: .*ECONNREFUSED.*; without internet access, set MODELS_BASE_URL to a mirror that serves model.onnx, ` +
        'or put the file in a directory and set MODELS_DIR to it$'))
    expect(await readdir(dir)).toEqual([])
  })

  it('uses an injected fetch implementation and reports progress', async () => {
    const dir = await tempDir()
    const urls: string[] = []
    const seen: number[] = []
    const fetchImpl: typeof fetch = async (input, init) => {
      urls.push(String(input))
      return await fetch(input, init)
    }
    await fetchFile(artifact('/raw/model.onnx'), {
      dir,
      fetchImpl,
      progress: (_a, total) => ({ update: (n) => seen.push(n / (total ?? 1)), done: () => seen.push(-1) })
    })
    expect(urls).toEqual([`${base}/raw/model.onnx`])
    expect(seen.at(-2)).toBe(1)
    expect(seen.at(-1)).toBe(-1)
  })
})

describe('fetchModel', () => {
  it('fetches a catalog-shaped entry and its labels into the directory', async () => {
    const dir = await tempDir()
    const entry: DownloadableEntry = { ...(getEntry('mobilenetv2-12-int8') as DownloadableEntry), file: 'model.onnx', url: `${base}/raw/model.onnx`, sha256, bytes: body.length }
    const labelSource: LabelSource = { file: 'labels.json', url: `${base}/labels.json`, sha256: createHash('sha256').update(labelsBody).digest('hex'), bytes: labelsBody.length, count: 1000 }
    const { model, labels } = await fetchModel(entry, { dir, labelSource })
    expect(model.status).toBe('downloaded')
    expect(labels).toEqual({ path: join(dir, 'labels.json'), status: 'downloaded', sha256: labelSource.sha256 })
    expect((await readdir(dir)).filter((f) => !f.startsWith('.')).sort()).toEqual(['labels.json', 'model.onnx'])
    const again = await fetchModel(entry, { dir, labelSource })
    expect([again.model.status, again.labels.status]).toEqual(['present', 'present'])
  })
})
