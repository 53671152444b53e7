// A FIFO of integers (request ids or replica-list entries): amortized O(1), it compacts itself once more than
// half of its array has been consumed. No bound on its length: the queues it models are unbounded.

export class Fifo {
  private a: number[] = [];
  private h = 0;

  get length(): number {
    return this.a.length - this.h;
  }

  push(x: number): void {
    this.a.push(x);
  }

  peek(): number {
    return this.a[this.h];
  }

  shift(): number {
    const x = this.a[this.h++];
    if (this.h > 1024 && this.h * 2 > this.a.length) {
      this.a = this.a.slice(this.h);
      this.h = 0;
    }
    return x;
  }

  /** Empty the queue, returning what it held (oldest first). */
  drain(): number[] {
    const out = this.a.slice(this.h);
    this.a = [];
    this.h = 0;
    return out;
  }
}
