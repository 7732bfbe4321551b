import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, spawnChild, waitForHttp, type Child } from '@inference-stack/kit/child'
import { REPO_ROOT } from './paths.js'

/** Debian's packages, not whatever is first on PATH (python3 there may be pyenv's, without Flask). */
export const NGINX = '/usr/sbin/nginx'
export const PYTHON = '/usr/bin/python3'
export const GUNICORN = '/usr/bin/gunicorn'
export const DEFAULT_GUNICORN_WORKERS = 2

export interface Baseline { child: Child, url: string, stop: () => Promise<void> }

export function requireBinary (path: string, apt: string): void {
  if (!existsSync(path)) throw new Error(`${path} is missing: apt-get install -y ${apt}`)
}

function nginxConfig (dir: string, port: number, upstream: string): string {
  const host = new URL(upstream).host
  return `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream prime { server ${host}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location = /healthz { return 200 'ok'; }
    location /api/prime/ {
      proxy_pass http://prime/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`
}

/** nginx, one worker, proxying `/api/prime/*` to `upstream` with a keep-alive pool, like the frontend does. */
export async function startNginx (upstream: string): Promise<Baseline> {
  requireBinary(NGINX, 'nginx')
  const dir = await mkdtemp(join(tmpdir(), 'loadtest-nginx-'))
  const port = await freePort()
  await writeFile(join(dir, 'nginx.conf'), nginxConfig(dir, port, upstream))
  const child = spawnChild('nginx', NGINX, ['-e', join(dir, 'error.log'), '-p', dir, '-c', join(dir, 'nginx.conf')], {})
  const url = `http://127.0.0.1:${port}`
  await waitForHttp(child, `${url}/healthz`)
  return { child, url, stop: async () => { await child.stop(); await rm(dir, { recursive: true, force: true }) } }
}

/** The workshop-style Flask app under Flask's own development server. */
export async function startFlaskDev (): Promise<Baseline> {
  requireBinary(PYTHON, 'python3-flask')
  const port = await freePort()
  const child = spawnChild('flask-dev', PYTHON, [join(REPO_ROOT, 'loadtest', 'baselines', 'flask_prime.py'), '--port', String(port)], {})
  const url = `http://127.0.0.1:${port}`
  await waitForHttp(child, `${url}/healthz`)
  return { child, url, stop: child.stop }
}

/** The same app under gunicorn (sync workers); the pid sampled is the master, workers' CPU is added by the caller. */
export async function startGunicorn (workers = DEFAULT_GUNICORN_WORKERS): Promise<Baseline> {
  requireBinary(GUNICORN, 'gunicorn python3-flask')
  const port = await freePort()
  const child = spawnChild('gunicorn', GUNICORN, [
    '--chdir', join(REPO_ROOT, 'loadtest', 'baselines'), '-w', String(workers), '-b', `127.0.0.1:${port}`,
    '--log-level', 'warning', 'flask_prime:app'
  ], {})
  const url = `http://127.0.0.1:${port}`
  await waitForHttp(child, `${url}/healthz`)
  return { child, url, stop: child.stop }
}
