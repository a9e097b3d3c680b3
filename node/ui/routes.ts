import { blobPage } from './pages/blob.js'
import { comparePage } from './pages/compare.js'
import { eventPage } from './pages/event.js'
import { eventsPage } from './pages/events.js'
import { feedsPage } from './pages/feeds.js'
import { historyPage } from './pages/history.js'
import { interdiffPage } from './pages/interdiff.js'
import { overviewPage } from './pages/overview.js'
import { peersPage } from './pages/peers.js'
import { resultPage } from './pages/result.js'
import { resultsPage } from './pages/results.js'
import { revisionPage } from './pages/revision.js'
import { seriesListPage } from './pages/series-list.js'
import { settingsPage } from './pages/settings.js'
import { trustPage } from './pages/trust.js'
import type { Route } from './router.js'

/**
 * Every page of the UI, one file each under pages/. A new page (history
 * plots, job queue) is one file and one line here; `nav` puts it
 * in the top bar, `section` highlights a parent entry.
 */
export const ROUTES: Route[] = [
  { path: '/', page: overviewPage, nav: 'Overview' },
  { path: '/series', page: seriesListPage, nav: 'Series' },
  { path: '/revision/:id', page: revisionPage, section: '/series' },
  { path: '/interdiff', page: interdiffPage, section: '/series' },
  { path: '/results', page: resultsPage, nav: 'Results' },
  { path: '/result/:id', page: resultPage, section: '/results' },
  { path: '/compare', page: comparePage, section: '/results' },
  { path: '/history', page: historyPage, nav: 'History' },
  { path: '/blob/:hash', page: blobPage },
  { path: '/events', page: eventsPage, nav: 'Events' },
  { path: '/event/:id', page: eventPage, section: '/events' },
  { path: '/feeds', page: feedsPage, nav: 'Feeds' },
  { path: '/peers', page: peersPage, nav: 'Peers' },
  { path: '/trust', page: trustPage, nav: 'Trust' },
  { path: '/settings', page: settingsPage, nav: 'Settings' }
]
