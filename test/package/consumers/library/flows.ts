// Exports whose types are inferred from wsflow's: the declarations name them.
import { BinaryMessage, TextMessage, concat, fromSinkAndSource, map, maybe, serve } from 'wsflow';
import type { Message, ServeOptions } from 'wsflow';

export const shout = map((message: Message) =>
  message.isText && message.isStrict ? message.text.toUpperCase() : undefined,
);
export const log = map((message: Message) => void console.log(message.isText));
export const sinkSource = (lines: string[]) =>
  fromSinkAndSource((message: Message) => void message, concat(lines, maybe<string>().source));
export const strictHello = () => TextMessage.strict('hello');
export const streamedBytes = () => BinaryMessage.streamed([new Uint8Array([1])]);
export const toStrict = (message: Message) => message.toStrict(1000);
export const options = (clock: NonNullable<ServeOptions['clock']>) => ({ clock, port: 0 });
export const start = () => serve({ port: 0, host: '127.0.0.1', flow: shout });
