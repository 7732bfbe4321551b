import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** What the curl binary got, and how much of its body it sent. */
export interface CurlAnswer {
  status: number
  contentType: string
  body: string
  /** Bytes of the body sent (`%{size_upload}`): 0 when the server answered before asking for it. */
  uploaded: number
  ms: number
}

/**
 * Runs the `curl` binary, the client users name: it announces bodies over 1 MB with
 * `Expect: 100-continue` and waits for the 100 (30 s here instead of its 1 s, so a body sent
 * means a 100 came). `args` are curl's own (`-F image=@file`, `--data-binary @file`...).
 */
export async function curl (url: string, args: string[]): Promise<CurlAnswer> {
  const dir = await mkdtemp(join(tmpdir(), 'faults-curl-'))
  try {
    const started = performance.now()
    const { stdout } = await run('curl', [
      '--silent', '--max-time', '60', '--expect100-timeout', '30',
      '--output', join(dir, 'body'), '--write-out', '%{json}', ...args, url
    ], { maxBuffer: 1 << 20 }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '{}' }))
    const info = JSON.parse(stdout) as { http_code?: number, size_upload?: number, content_type?: string | null }
    return {
      status: info.http_code ?? 0,
      contentType: info.content_type ?? '',
      body: await readFile(join(dir, 'body'), 'utf8').catch(() => ''),
      uploaded: info.size_upload ?? 0,
      ms: performance.now() - started
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
