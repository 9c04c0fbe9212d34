/**
 * One frame encodes at a time and at most one waits: a frame that arrives while another waits
 * replaces it (newest wins; the replaced one is counted in `dropped`). A failed encode is counted
 * and reported, and the slot moves on.
 */
export class EncodeSlot<J, R> {
  private busy = false;
  private waiting: J | null = null;
  dropped = 0;
  failed = 0;
  encoded = 0;

  constructor(
    private readonly encode: (job: J) => Promise<R>,
    private readonly onDone: (job: J, result: R) => void,
    private readonly onError: (job: J, error: unknown) => void,
  ) {}

  submit(job: J): void {
    if (this.busy) {
      if (this.waiting !== null) this.dropped += 1;
      this.waiting = job;
      return;
    }
    this.run(job);
  }

  /** Nothing encoding and nothing waiting. */
  get idle(): boolean {
    return !this.busy && this.waiting === null;
  }

  private run(job: J): void {
    this.busy = true;
    this.encode(job).then(
      (result) => {
        this.encoded += 1;
        this.finish();
        this.onDone(job, result);
      },
      (error: unknown) => {
        this.failed += 1;
        this.finish();
        this.onError(job, error);
      },
    );
  }

  private finish(): void {
    this.busy = false;
    const next = this.waiting;
    this.waiting = null;
    if (next !== null) this.run(next);
  }
}
