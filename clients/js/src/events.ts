// Program events from a transaction's (or a simulation's) logs: Anchor writes each as
// "Program data: <base64>", the 8-byte discriminator first. The generated `<Name>Event`
// decoders check that discriminator, so the first line a decoder accepts is the event.
import { getBase64Encoder, type Decoder } from '@solana/kit';

const PREFIX = 'Program data: ';

export function findEvent<T>(logs: readonly string[], decoder: Decoder<T>): T | undefined {
  const base64 = getBase64Encoder();
  for (const line of logs) {
    if (!line.startsWith(PREFIX)) continue;
    try {
      return decoder.decode(base64.encode(line.slice(PREFIX.length)));
    } catch {
      // Another event.
    }
  }
  return undefined;
}
