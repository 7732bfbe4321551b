type Child = Node | string | null | undefined | false

/** Builds an element without innerHTML, so text from the API is never parsed as markup. */
export function el<K extends keyof HTMLElementTagNameMap> (tag: K, className?: string, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  if (className) node.className = className
  for (const child of children) if (child) node.append(child)
  return node
}

export function byId<T extends HTMLElement> (id: string): T {
  const node = document.getElementById(id)
  if (!node) throw new Error(`the page has no #${id}`)
  return node as T
}

/** Replaces what a live region shows; screen readers announce the new content. */
export function show (region: HTMLElement, ...children: Child[]): void {
  region.replaceChildren(...children.filter((c): c is Node | string => Boolean(c)))
}

export function errorLine (title: string, detail?: string): HTMLElement {
  return el('div', 'notice notice-error', el('strong', undefined, title), detail ? el('span', undefined, ` ${capitalize(detail)}.`.replace(/\.\.$/, '.')) : null)
}

export function capitalize (text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

export function formatMs (ms: number): string {
  return ms < 1 ? `${ms.toFixed(2)} ms` : ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms).toLocaleString('en')} ms`
}

export function formatBytes (bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`
  return `${Number((bytes / 1024 / 1024).toFixed(1))} MB`
}

/** Starts an async UI task; an unexpected failure is shown in its region instead of vanishing. */
export function launch (task: Promise<void>, region: HTMLElement): void {
  task.catch((err: unknown) => show(region, errorLine('Something went wrong in the page:', String(err))))
}
