/** A worker thread the inspector reports: its session and what it runs. */
export interface InspectedWorker { sessionId: string, title: string, url: string }

interface Message { id?: number, method?: string, params?: { sessionId?: string, workerInfo?: { title: string, url: string }, message?: string }, result?: unknown }

/**
 * The Chrome DevTools protocol of a Node process started with `--inspect=127.0.0.1:PORT`: reaches
 * its worker threads (NodeWorker domain) to run code in one of them, as a crash would end it.
 */
export class Inspector {
  readonly #ws: WebSocket
  readonly #workers = new Map<string, InspectedWorker>()
  readonly #waiting = new Map<number, (result: unknown) => void>()
  #nextId = 1

  private constructor (ws: WebSocket) {
    this.#ws = ws
    ws.addEventListener('message', (event) => {
      const msg = JSON.parse(String(event.data)) as Message
      if (msg.id !== undefined) this.#waiting.get(msg.id)?.(msg.result)
      if (msg.method === 'NodeWorker.attachedToWorker' && msg.params?.sessionId !== undefined && msg.params.workerInfo !== undefined) {
        this.#workers.set(msg.params.sessionId, { sessionId: msg.params.sessionId, ...msg.params.workerInfo })
      }
      if (msg.method === 'NodeWorker.detachedFromWorker' && msg.params?.sessionId !== undefined) this.#workers.delete(msg.params.sessionId)
    })
  }

  static async connect (port: number): Promise<Inspector> {
    const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json() as Array<{ webSocketDebuggerUrl: string }>
    const target = targets[0]
    if (target === undefined) throw new Error(`no inspector target on port ${port}`)
    const ws = new WebSocket(target.webSocketDebuggerUrl)
    await new Promise((resolve, reject) => { ws.addEventListener('open', resolve); ws.addEventListener('error', reject) })
    const inspector = new Inspector(ws)
    await inspector.#send('NodeWorker.enable', { waitForDebuggerOnStart: false })
    return inspector
  }

  async #send (method: string, params: unknown): Promise<unknown> {
    const id = this.#nextId++
    const result = new Promise<unknown>((resolve) => this.#waiting.set(id, resolve))
    this.#ws.send(JSON.stringify({ id, method, params }))
    return await result
  }

  /** Worker threads alive now whose script URL or title matches. */
  workers (match: RegExp): InspectedWorker[] {
    return [...this.#workers.values()].filter((w) => match.test(w.url) || match.test(w.title))
  }

  /** Waits until a matching worker is attached (a replacement after a kill, for instance). */
  async waitForWorker (match: RegExp, timeoutMs: number): Promise<InspectedWorker | undefined> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.workers(match)[0]
      if (found !== undefined || Date.now() > deadline) return found
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  /**
   * Ends a worker thread as an uncaught error would: the error is thrown from a timer in the
   * worker, so the thread exits with it ('error', then 'exit' in the process that owns it).
   */
  async crash (worker: InspectedWorker): Promise<void> {
    const expression = 'setTimeout(() => { throw new Error(\'fault injected by the fault suite\') }); 0'
    await this.#send('NodeWorker.sendMessageToWorker', {
      sessionId: worker.sessionId,
      message: JSON.stringify({ id: 1, method: 'Runtime.evaluate', params: { expression } })
    })
  }

  close (): void { this.#ws.close() }
}
