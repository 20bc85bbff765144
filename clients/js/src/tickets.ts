// A staker's unbonding tickets as the chain holds them (a ticket closes when it is withdrawn).
import type { Address } from '@solana/kit';

import {
  getUnbondingTicketDecoder,
  NODE_STAKING_PROGRAM_ADDRESS,
  UNBONDING_TICKET_DISCRIMINATOR,
  type UnbondingTicket,
} from './generated/node_staking';
import { accountsNaming, type ProgramAccountsRpc } from './find';

/** Every open ticket `staker` withdraws (`UnbondingTicket`: discriminator, node, staker). */
export const unbondingTicketsOf = (rpc: ProgramAccountsRpc, staker: Address) =>
  accountsNaming<UnbondingTicket>(rpc, NODE_STAKING_PROGRAM_ADDRESS, UNBONDING_TICKET_DISCRIMINATOR, 40, staker, (d) =>
    getUnbondingTicketDecoder().decode(d),
  );
