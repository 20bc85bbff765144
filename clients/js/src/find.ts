// Accounts of one type that name one key, found with `getProgramAccounts` filters (the type's
// discriminator, the key at its offset): how the client lists a holder's tallies and vestings
// without computing which epochs could hold them.
import {
  getAddressEncoder,
  getBase64Decoder,
  getBase64Encoder,
  type Address,
  type Base64EncodedBytes,
  type GetProgramAccountsApi,
  type ReadonlyUint8Array,
  type Rpc,
} from '@solana/kit';

export type ProgramAccountsRpc = Rpc<GetProgramAccountsApi>;

export async function accountsNaming<T>(
  rpc: ProgramAccountsRpc,
  program: Address,
  discriminator: ReadonlyUint8Array,
  keyOffset: number,
  key: Address,
  decode: (data: ReadonlyUint8Array) => T,
): Promise<{ address: Address; data: T }[]> {
  const base64 = getBase64Decoder();
  const memcmp = (offset: number, bytes: ReadonlyUint8Array) => ({
    memcmp: { offset: BigInt(offset), bytes: base64.decode(bytes) as Base64EncodedBytes, encoding: 'base64' as const },
  });
  const found = await rpc
    .getProgramAccounts(program, {
      encoding: 'base64',
      filters: [memcmp(0, discriminator), memcmp(keyOffset, getAddressEncoder().encode(key))],
    })
    .send();
  return found.map(({ pubkey, account }) => ({ address: pubkey, data: decode(getBase64Encoder().encode(account.data[0])) }));
}
