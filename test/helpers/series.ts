import type { SeriesView } from '../../node/views/series/index.js'
import type { Views } from '../../node/views/views.js'
import { byTsThenId } from '../../node/views/views.js'

/** Every series the views' rows hold, by id, in the order of their first event in force (the order the fold kept). */
export function seriesMap (views: Views): Map<string, SeriesView> {
  return views.read(() => {
    const built: Array<NonNullable<ReturnType<typeof views.series.builder.build>>> = []
    views.series.walk({}, (row) => {
      const b = views.series.builder.build(row.id)
      if (b !== undefined) built.push(b)
      return true
    })
    return new Map(built.sort((a, b) => byTsThenId(a.first, b.first)).map((b) => [b.view.id, b.view]))
  })
}
