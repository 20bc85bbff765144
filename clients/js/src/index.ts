// The Inferix programs from TypeScript, on @solana/kit: the Codama-generated instruction
// builders and account decoders of each program, plus what an IDL cannot say.
export * as nodeLicense from './generated/node_license';
export * as nodeStaking from './generated/node_staking';
export * as epochRewards from './generated/epoch_rewards';
export * as buybackVault from './generated/buyback_vault';
export * as pdas from './pdas';
export * from './amounts';
export * from './ed25519';
export * from './errors';
export * from './remaining';
export * from './instructions';
export * from './network';
export * from './events';
export * from './rewards';
export * from './buyback';
export * from './tickets';
