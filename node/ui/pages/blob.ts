import { getJson, getText } from '../api.js'
import type { BlobPatchesJson } from '../../wire/types.js'
import { appendDiff } from '../diff.js'
import { h, link } from '../dom.js'
import type { Page, Params } from '../page.js'

const MAX_CHARS = 2_000_000 // the browser stays responsive; the raw link has the rest

/** The log and diff viewer: a stored blob as text, diffs coloured by line. */
export async function blobPage (params: Params, q: URLSearchParams): Promise<Page> {
  const hash = params.hash ?? ''
  const name = q.get('name') ?? hash
  const [text, uses] = await Promise.all([
    getText(`/api/blobs/${encodeURIComponent(hash)}`),
    getJson<BlobPatchesJson>(`/api/blobs/${encodeURIComponent(hash)}/patches`)
  ])
  const shown = text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text
  const isDiff = /^(diff --git|--- |Index: )/m.test(shown.slice(0, 4096))
  const pre = h('pre', { class: `log${isDiff ? ' diff' : ''}`, id: 'blob' })
  if (isDiff) appendDiff(pre, shown, true)
  else pre.textContent = shown
  return {
    el: h('section', {},
      h('h1', {}, name),
      h('p', { class: 'muted' }, `${text.length} characters · blob `, h('span', { class: 'mono' }, hash), ' · ', link(`/api/blobs/${hash}`, 'raw')),
      uses.patches.length === 0
        ? null
        : h('ul', { id: 'blob-patches' }, ...uses.patches.map((u) => h('li', {},
          `${u.part === 'diff' ? 'The diff' : 'The mail'} of ${u.index === 0 ? 'the cover letter' : `patch ${u.index}`} of `,
          link(`#/revision/${u.revision}`, `[${u.project}] v${u.version}`), ` (series ${u.series}): `, u.subject))),
      text.length > MAX_CHARS ? h('p', { class: 'muted' }, `Showing the first ${MAX_CHARS} characters.`) : null,
      pre)
  }
}
