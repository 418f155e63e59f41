/**
 * The borrowing rule of plugin/os.ts (decision 0012), in one place for every host: an OS lends
 * itself to one process or keyboard at a time; while that borrower is open, every other use of
 * the OS is refused with (OsLayer, AlreadyExists), naming the borrower, and closing the OS
 * closes the borrower first.
 */
import { MemflowError } from "../error.ts";

/** What borrows an OS: a process or a keyboard opened from it. */
export interface Borrower {
  readonly closed: boolean;
  readonly label: string;
  close(): void;
}

export class OsLending {
  #borrower: Borrower | undefined;

  /** Throws (OsLayer, AlreadyExists) while a borrower of the OS called `osLabel` is open. */
  check(osLabel: string): void {
    const borrower = this.#borrower;
    if (borrower !== undefined && !borrower.closed)
      throw new MemflowError(
        "OsLayer",
        "AlreadyExists",
        `${osLabel} is lent to ${borrower.label}: close that first, or open processes with intoProcessBy… to let one own the OS`,
      );
    this.#borrower = undefined;
  }

  lend(borrower: Borrower): void {
    this.#borrower = borrower;
  }

  /** Closes the borrower, if one is open: what closing the OS does first. */
  closeBorrower(): void {
    const borrower = this.#borrower;
    this.#borrower = undefined;
    if (borrower !== undefined && !borrower.closed) borrower.close();
  }
}
