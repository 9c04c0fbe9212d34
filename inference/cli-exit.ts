/**
 * The ending every command-line tool shares: the exit code main() returns (0 done, 2 usage), or 1
 * with the `CODE: detail` message of a coded error (engine, volume, capture, …) and the error otherwise.
 */
import { CodedError } from './protocol/coded-error.ts';

export function runCli(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      // A coded error's message already reads `CODE: detail`.
      console.error(e instanceof CodedError ? e.message : String(e));
      process.exit(1);
    },
  );
}
