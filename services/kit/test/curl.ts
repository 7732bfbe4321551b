import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

/** What the curl binary did and got: the answer, and what it sent of the body. */
export interface CurlAnswer {
  status: number
  /** Every header block curl received, `HTTP/1.1 100 Continue` included when the server sent one. */
  headers: string
  body: string
  /** Bytes of the body curl sent (`%{size_upload}`): 0 when the server answered before asking for it. */
  uploaded: number
  /** Whether the server sent `100 Continue` before its answer. */
  continued: boolean
  json: <T = unknown>() => T
}

/**
 * Runs the real `curl` binary, the client users name: it sends `Expect: 100-continue` with every
 * body over 1 MB (or when told with `-H 'Expect: 100-continue'`) and waits for the 100 before
 * sending it. The wait is 30 s here instead of curl's 1 s, so a body sent proves a 100 was
 * received, never a timeout. `args` are curl's (`--data-binary @file`, `-F image=@file`...).
 */
export async function curl (url: string, ...args: string[]): Promise<CurlAnswer> {
  const dir = await mkdtemp(join(tmpdir(), 'curl-'))
  try {
    const { stdout } = await execFileAsync('curl', [
      '--silent', '--show-error', '--max-time', '120', '--expect100-timeout', '30',
      '--dump-header', join(dir, 'headers'), '--output', join(dir, 'body'), '--write-out', '%{json}',
      ...args, url
    ], { maxBuffer: 1 << 20 })
    const info = JSON.parse(stdout) as { http_code: number, size_upload: number }
    const headers = await readFile(join(dir, 'headers'), 'utf8')
    const body = await readFile(join(dir, 'body'), 'utf8').catch(() => '')
    return {
      status: info.http_code,
      headers,
      body,
      uploaded: info.size_upload,
      continued: /^HTTP\/1\.1 100 Continue/m.test(headers),
      json: <T>() => JSON.parse(body) as T
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** The value of a header in the final answer (the last header block). */
export function finalHeader (answer: CurlAnswer, name: string): string | undefined {
  const blocks = answer.headers.trim().split(/\r?\n\r?\n/)
  const last = blocks[blocks.length - 1] ?? ''
  const line = last.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
  return line?.slice(name.length + 1).trim()
}
