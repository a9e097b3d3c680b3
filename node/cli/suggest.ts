/** Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions). */
export function editDistance (a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => i === 0 ? j : j === 0 ? i : 0))
  const at = (i: number, j: number): number => d[i]?.[j] ?? Infinity
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1)
      ;(d[i] as number[])[j] = v
    }
  }
  return at(a.length, b.length)
}

/** "; did you mean X?" for the closest candidate within distance 2 (or one the word starts), else ''. */
export function didYouMean (word: string, candidates: readonly string[], show = (c: string) => c): string {
  let best: string | null = null
  let bestDistance = 3
  for (const c of candidates) {
    const dist = c.startsWith(word) && word.length >= 3 ? 1 : editDistance(word, c)
    if (dist < bestDistance) { best = c; bestDistance = dist }
  }
  return best === null ? '' : `; did you mean ${show(best)}?`
}
