// Test support for resumable sessions: a client on a bare socket that offers
// `wsflow.resume.v1`, reads every frame through a ResumeTracker, and reopens (to any node) naming
// the last message of its topic.

import { RESUME_SUBPROTOCOL, ResumeTracker } from '../../src/index.js';
import { Subscriber } from '../hub/support.js';

/** A client that resumes: a bare socket whose frames go through a tracker. */
export class ResumingClient {
  readonly tracker = new ResumeTracker();
  readonly messages: string[] = [];
  readonly ids: string[] = [];
  readonly markers: string[] = [];
  #subscriber: Subscriber | undefined;
  #read = 0;

  async open(port: number, topic: string): Promise<void> {
    this.tracker.reset();
    const url = new URL(this.tracker.resumeUrl(`ws://127.0.0.1/t/${topic}`));
    this.#subscriber = await Subscriber.open(port, url.pathname + url.search, {
      headers: { 'Sec-WebSocket-Protocol': RESUME_SUBPROTOCOL },
    });
    this.#read = 0;
  }

  /** Reads until `count` application messages arrived in all (or the socket closed). */
  async receive(count: number): Promise<string[]> {
    const subscriber = this.#subscriber as Subscriber;
    while (this.messages.length < count && !subscriber.socket.destroyed) {
      const frames = await subscriber.receive(this.#read + 1);
      for (; this.#read < frames.length; this.#read++) {
        const frame = frames[this.#read];
        const text = frame.payload.toString();
        const taken = this.tracker.take(frame.opcode === 1 ? text : frame.payload);
        if (taken.kind === 'marker') this.markers.push(text);
        else {
          this.messages.push(text);
          if (taken.id !== undefined) this.ids.push(taken.id);
        }
      }
    }
    return this.messages;
  }

  /** Whether its connection is gone (closed here, or by the server, or its process died). */
  get closed(): boolean {
    return this.#subscriber?.socket.destroyed ?? true;
  }

  close(): void {
    this.#subscriber?.close();
  }
}
