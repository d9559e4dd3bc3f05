// Bounded ring buffer of request summaries. Never stores credentials, headers or bodies.
import type { RequestLogEntry } from "./types";

export class RequestLog {
  private buf: RequestLogEntry[] = [];
  private next = 0;
  constructor(private readonly capacity = 10_000) {}

  add(entry: RequestLogEntry): void {
    if (this.buf.length < this.capacity) this.buf.push(entry);
    else this.buf[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first. */
  entries(): RequestLogEntry[] {
    if (this.buf.length < this.capacity) return this.buf.map((e) => ({ ...e }));
    return [...this.buf.slice(this.next), ...this.buf.slice(0, this.next)].map((e) => ({ ...e }));
  }

  clear(): void {
    this.buf = [];
    this.next = 0;
  }
}
