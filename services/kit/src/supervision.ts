// The protocol between a service and the process that started it (`npm start`, a test):
// an IPC channel, opened only when the supervisor sets SUPERVISED_ENV. Over it the service
// says where it listens, or why it cannot; when the channel closes (the supervisor exited,
// even by SIGKILL) the service closes gracefully instead of running on as an orphan.

/** Set to `1` in a child's environment by a supervisor that gave it an IPC channel. */
export const SUPERVISED_ENV = 'INFERENCE_STACK_SUPERVISED'

/** What a service tells its supervisor. */
export type ServiceMessage =
  | { type: 'listening', url: string }
  | { type: 'listen-failed', code: string, address: string, port: number, message: string }

export function isServiceMessage (value: unknown): value is ServiceMessage {
  const type = (value as { type?: unknown } | null)?.type
  return type === 'listening' || type === 'listen-failed'
}

/** Whether this process was started by a supervisor with an IPC channel (and not, say, by vitest). */
export function isSupervised (): boolean {
  return process.env[SUPERVISED_ENV] === '1' && typeof process.send === 'function'
}

/** Sends a message to the supervisor; resolves once it is written (so an exit right after does not lose it). */
export async function tellSupervisor (message: ServiceMessage): Promise<void> {
  if (!isSupervised() || !process.connected) return
  await new Promise<void>((resolve) => process.send?.(message, undefined, {}, () => resolve()))
}

/** Runs `onGone` once when the supervisor's channel closes. Nothing happens when unsupervised. */
export function whenSupervisorGone (onGone: () => void): void {
  if (!isSupervised()) return
  if (!process.connected) onGone()
  else process.once('disconnect', onGone)
}
