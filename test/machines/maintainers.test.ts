import test from 'brittle'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { maintainerEmails, parseMaintainers } from '../../machines/maintainers.js'
import { repoRoot } from '../helpers/paths.js'

const m = parseMaintainers(readFileSync(join(repoRoot, 'test/fixtures/machines/MAINTAINERS'), 'utf8'))
const names = (path: string): string[] => m.maintainersFor(path).map((s) => s.name)

test('parseMaintainers() reads sections, skipping the preamble', t => {
  t.alike(m.sections.map((s) => s.name), [
    'ARM/TEGRA ARCHITECTURE SUPPORT',
    'EXT4 FILE SYSTEM',
    'FILESYSTEMS (VFS and infrastructure)',
    'NETWORKING DRIVERS',
    'NETWORKING DRIVERS (WIRELESS)',
    'XFS FILESYSTEM',
    'THE REST'
  ])
  const ext4 = m.sections[1]
  t.alike(ext4?.maintainers, [{ name: 'Ted E. Xt', email: 'ted.ext4@example.org' }], 'quoted names are unquoted')
  t.alike(ext4?.reviewers, [{ name: 'Ann Dilly', email: 'ann.dilly@example.org' }])
  t.alike(ext4?.lists, ['linux-ext4@example.org'])
  t.is(ext4?.status, 'Maintained')
  t.alike(ext4?.entries.W, ['http://ext4.example.org'])
})

test('maintainersFor() trailing / covers the tree, most specific first, THE REST last', t => {
  t.alike(names('fs/xfs/xfs_log.c'), ['XFS FILESYSTEM', 'THE REST'])
  t.alike(names('fs/xfs/libxfs/xfs_alloc.c'), ['XFS FILESYSTEM', 'THE REST'])
  t.alike(names('fs/ext4/inode.c'), ['EXT4 FILE SYSTEM', 'THE REST'])
})

test('maintainersFor() * does not cross /', t => {
  t.alike(names('fs/namei.c'), ['FILESYSTEMS (VFS and infrastructure)', 'THE REST'])
  t.absent(names('fs/xfs/xfs_log.c').includes('FILESYSTEMS (VFS and infrastructure)'), 'fs/* stops at fs/')
  t.alike(names('Documentation/filesystems/xfs/index.rst'), ['XFS FILESYSTEM', 'THE REST'])
  t.alike(names('Documentation/filesystems/xfs/sub/x.rst'), ['THE REST'])
  t.alike(names('Makefile'), ['THE REST'], 'F: * matches top-level files')
  t.alike(names('include/uapi/linux/xfs_a.h'), ['XFS FILESYSTEM', 'THE REST'], '? is one character')
  t.alike(names('include/uapi/linux/xfs_ab.h'), ['THE REST'])
})

test('maintainersFor() X: excludes, N: matches by regex, a plain directory name covers its tree', t => {
  t.alike(names('drivers/net/ethernet/e1000/e1000_main.c'), ['NETWORKING DRIVERS', 'THE REST'])
  t.alike(names('drivers/net/wireless/ath/ath9k/main.c'), ['NETWORKING DRIVERS (WIRELESS)', 'THE REST'])
  t.alike(names('arch/arm/mach-tegra/board.c'), ['ARM/TEGRA ARCHITECTURE SUPPORT', 'THE REST'])
  t.alike(names('drivers/gpu/host1x/tegra.c'), ['ARM/TEGRA ARCHITECTURE SUPPORT', 'THE REST'])
  t.alike(names('drivers/gpu/nvtegra.c'), ['THE REST'], 'N: [^a-z]tegra needs a non-letter before')
  t.alike(names('tools/xfs/xfs_io.c'), ['XFS FILESYSTEM', 'THE REST'])
})

test('maintainerEmails() collects M: addresses of every touched path', t => {
  t.alike([...maintainerEmails(m, ['fs/xfs/a.c', 'fs/namei.c'])].sort(), ['lin.us@example.org', 'vera.vfs@example.org', 'xavier.fs@example.org'])
})
