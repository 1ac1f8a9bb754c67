// Reading a job summary as a person sees it.

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' }

/** The summary's text without tags (each a space) and with entities decoded: what a reader sees. */
export function visible(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&(amp|lt|gt|quot);/g, (_, name: string) => NAMED[name] as string)
}
