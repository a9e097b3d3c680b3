import type { Args, Command, Context } from '../command.js'
import type { CairnNode } from '../../node.js'
import { usageError } from '../parse.js'
import type { idPublishSpec, idSpec } from '../specs/node.js'
import { homePaths, readJson } from '../../storage/home.js'
import { readHomeKeys } from '../../storage/keys.js'
import { LengthRecord } from '../../storage/length-record.js'
import { readViewsSummary } from '../../views/db/summary.js'

/** What `cairn id` prints, in this order. */
interface IdInfo {
  identity: string
  feed: string
  blobs: string
  name: string
  feedLength: number
  events: number
  follows: number
}

// command.js (and so node.js: corestore, zod, sodium) is imported only when the home must be opened.
export const id: Command = {
  async run (ctx, args: Args<typeof idSpec>) {
    const info = await recordedInfo(ctx.home) ?? await openedInfo(ctx)
    if (args.values.json === true) ctx.io.out(JSON.stringify(info))
    else for (const [k, v] of Object.entries(info)) ctx.io.out(`${k.padEnd(10)} ${String(v)}`)
  },
  subcommands: {
    async publish (ctx, { values }: Args<typeof idPublishSpec>) {
      const emails = values.email ?? []
      const bad = emails.filter((e) => !/^[^\s@<>]+@[^\s@<>]+$/.test(e))
      if (bad.length > 0) throw usageError(`not an email address: ${bad.join(', ')}`)
      const { withNodeToPost } = await import('../command.js')
      await withNodeToPost(ctx, async (node, post) => {
        const id = await post('identity.link', {
          feed: node.feedKey,
          blobs: node.blobsKey,
          name: values.name ?? node.name,
          ...(emails.length > 0 ? { emails } : {})
        })
        ctx.io.out(id)
      })
    }
  }
}

/**
 * The answer from the home's records, without opening the store or replaying
 * the views: the keys (storage/keys.ts), state.json, the own feed's length
 * record and the counts the views recorded as they closed (views/db/summary.ts),
 * else those in the views' file (SQLite, loaded only then). Null when a record is missing
 * or the views' file is not of this release or lags the own feed (a crash between append
 * and index): opening the node repairs that and answers. identity.key is
 * checked as opening does (NOT_INITIALISED, KEY_PERMISSIONS, KEY_CORRUPT).
 */
async function recordedInfo (home: string): Promise<IdInfo | null> {
  const paths = homePaths(home)
  const keys = await readHomeKeys(paths)
  if (keys === null) return null
  const views = readViewsSummary(paths, keys.feed) ?? (await import('../../views/db/recorded.js')).readRecordedViews(paths.views, keys.feed)
  if (views === null) return null
  const state = readJson<{ name: string, ownLength?: number, follows?: Record<string, unknown> }>(paths.state, { name: '', follows: {} })
  const record = new LengthRecord(paths.ownLength, state.ownLength ?? 0, true)
  const feedLength = record.get()
  record.close()
  if (views.checkpoint !== feedLength) return null
  return { ...keys, name: state.name, feedLength, events: views.events, follows: Object.keys(state.follows ?? {}).length }
}

async function openedInfo (ctx: Context): Promise<IdInfo> {
  const { withNodeToRead } = await import('../command.js')
  return await withNodeToRead(ctx, async (node: CairnNode) => ({
    identity: node.identityKey,
    feed: node.feedKey,
    blobs: node.blobsKey,
    name: node.name,
    feedLength: node.feed.core.length,
    events: node.views.count,
    follows: node.follows().length
  }))
}
