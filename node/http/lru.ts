/** Values by key, at most `cap` of them: a set past the cap drops the least recently used. */
export class Lru<K, V> {
  private readonly map = new Map<K, V>() // insertion order: least recently used first

  constructor (readonly cap: number) {}

  get size (): number {
    return this.map.size
  }

  get (key: K): V | undefined {
    const value = this.map.get(key)
    if (value !== undefined) { this.map.delete(key); this.map.set(key, value) }
    return value
  }

  set (key: K, value: V): void {
    this.map.delete(key)
    this.map.set(key, value)
    for (const oldest of this.map.keys()) {
      if (this.map.size <= this.cap) break
      this.map.delete(oldest)
    }
  }
}
