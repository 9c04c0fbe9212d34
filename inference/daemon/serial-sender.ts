/**
 * Serialises sends on one ZeroMQ socket (zeromq.js refuses concurrent sends). Policy: masks are
 * queued in order behind at most one in-flight send; a status message is dropped if one is already
 * waiting (the next heartbeat carries newer numbers).
 */
export class SerialSender {
  private chain: Promise<void> = Promise.resolve();
  private statusWaiting = false;

  constructor(
    private readonly send: (message: Buffer) => Promise<void>,
    private readonly onError: (e: unknown) => void,
  ) {}

  sendMasks(message: Buffer): Promise<void> {
    this.chain = this.chain.then(() => this.send(message)).catch(this.onError);
    return this.chain;
  }

  sendStatus(message: Buffer): void {
    if (this.statusWaiting) return;
    this.statusWaiting = true;
    this.chain = this.chain
      .then(() => {
        this.statusWaiting = false;
        return this.send(message);
      })
      .catch(this.onError);
  }

  drain(): Promise<void> {
    return this.chain;
  }
}
