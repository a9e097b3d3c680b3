// brittle 4 (the test runner). @types/brittle describes brittle 3 (no t.tmp(),
// no exported instance type), so cairn declares the parts it uses here.
declare module 'brittle' {
  export interface TestOptions { timeout?: number, skip?: boolean | string, todo?: boolean, solo?: boolean }
  export interface TestInstance {
    plan (n: number): void
    end (): void
    comment (...args: unknown[]): void
    timeout (ms: number): void
    teardown (fn: () => unknown, opts?: { order?: number }): void
    tmp (): Promise<string>
    test: TestFn
    pass (message?: string): void
    fail (message?: string): void
    ok (value: unknown, message?: string): void
    absent (value: unknown, message?: string): void
    is (actual: unknown, expected: unknown, message?: string): void
    not (actual: unknown, expected: unknown, message?: string): void
    alike (actual: unknown, expected: unknown, message?: string): void
    unlike (actual: unknown, expected: unknown, message?: string): void
    exception: ((fn: (() => unknown) | Promise<unknown>, expected?: RegExp | ErrorConstructor | Error, message?: string) => Promise<void>) & {
      all: (fn: (() => unknown) | Promise<unknown>, expected?: RegExp | ErrorConstructor | Error, message?: string) => Promise<void>
    }
    execution (fn: (() => unknown) | Promise<unknown>, message?: string): Promise<number>
    snapshot (actual: unknown, message?: string): void
  }
  export type TestCallback = (t: TestInstance) => unknown
  export interface TestFn {
    (name: string, fn: TestCallback): Promise<void>
    (name: string, opts: TestOptions, fn: TestCallback): Promise<void>
    (fn: TestCallback): Promise<void>
  }
  export interface Test extends TestFn {
    skip: TestFn
    todo: TestFn
    configure (opts: { timeout?: number, bail?: boolean, serial?: boolean, unstealth?: boolean }): void
  }
  const test: Test
  export default test
}
