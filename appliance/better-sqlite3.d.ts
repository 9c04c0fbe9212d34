/**
 * The part of better-sqlite3's API the store uses (the package ships no types and
 * @types/better-sqlite3 is not installed). Only appliance/store.ts imports the module.
 */
declare module 'better-sqlite3' {
  type BindValue = number | bigint | string | null | Uint8Array;
  type BindParams = readonly BindValue[] | [Readonly<Record<string, BindValue>>];

  interface RunResult {
    readonly changes: number;
    readonly lastInsertRowid: number | bigint;
  }

  interface Statement<Row> {
    run(...params: BindParams): RunResult;
    get(...params: BindParams): Row | undefined;
    all(...params: BindParams): Row[];
  }

  interface Database {
    readonly open: boolean;
    readonly name: string;
    prepare<Row = unknown>(sql: string): Statement<Row>;
    exec(sql: string): Database;
    pragma(source: string, options?: { simple?: boolean }): unknown;
    transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
    close(): Database;
  }

  interface Options {
    readonly readonly?: boolean;
    readonly fileMustExist?: boolean;
    readonly timeout?: number;
  }

  const Database: new (filename: string, options?: Options) => Database;
  export default Database;
}
