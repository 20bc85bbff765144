//! PDA seeds shared by the programs, the SDK and the tests.

/// node-license: the singleton config; also the mint, freeze and metadata-update authority of
/// every license NFT.
pub const LICENSE_CONFIG: &[u8] = b"license_config";
/// node-license: a sale, `[SALE, sale_id.to_le_bytes()]`.
pub const SALE: &[u8] = b"sale";
/// node-license: purchases of one wallet in one sale, `[WALLET_PURCHASES, sale, wallet]`.
pub const WALLET_PURCHASES: &[u8] = b"wallet_purchases";
/// node-license: the license record of one NFT, `[LICENSE, mint]`.
pub const LICENSE: &[u8] = b"license";
/// node-license: a partner referral code, `[PARTNER_CODE, code bytes]`.
pub const PARTNER_CODE: &[u8] = b"partner_code";

/// node-staking: the singleton config; also the authority of the penalty vault.
pub const STAKING_CONFIG: &[u8] = b"staking_config";
/// node-staking: the admin-pushed IFX/USD price.
pub const PUSHED_PRICE: &[u8] = b"pushed_price";
/// node-staking: a node, `[NODE, license_mint]`; the authority of its stake vault.
pub const NODE: &[u8] = b"node";
/// node-staking: a node's IFX stake vault, `[STAKE_VAULT, node]`.
pub const STAKE_VAULT: &[u8] = b"stake_vault";
/// node-staking: an unbonding ticket, `[UNBONDING, node, ticket_id]`.
pub const UNBONDING: &[u8] = b"unbonding";
/// node-staking: the penalty pool vault holding slashed IFX during the appeal window.
pub const PENALTY_VAULT: &[u8] = b"penalty_vault";
/// node-staking: a slash, `[SLASH, evidence_hash]`, so each piece of evidence is used once.
pub const SLASH: &[u8] = b"slash";
/// node-staking: one owner's sealed time holding a node, `[STAKE_ERA, node, era]` (era as u32 LE).
pub const STAKE_ERA: &[u8] = b"stake_era";

/// epoch-rewards: the singleton config; authority of the reward, penalty-inflow and vesting vaults.
pub const REWARDS_CONFIG: &[u8] = b"rewards_config";
/// epoch-rewards: the pre-funded reward vault (the Ecosystem Fund's allocation).
pub const REWARD_VAULT: &[u8] = b"reward_vault";
/// epoch-rewards: receives matured penalties from node-staking (its `verifier_pool`).
pub const PENALTY_INFLOW: &[u8] = b"penalty_inflow";
/// epoch-rewards: holds the vesting part of every claim.
pub const VESTING_VAULT: &[u8] = b"vesting_vault";
/// epoch-rewards: an epoch, `[EPOCH, index]`.
pub const EPOCH: &[u8] = b"epoch";
/// epoch-rewards: a node's tally in an epoch, `[NODE_EPOCH, index, node]`.
pub const NODE_EPOCH: &[u8] = b"node_epoch";
/// epoch-rewards: a verifier's credits in an epoch, `[VERIFIER_EPOCH, index, node]`.
pub const VERIFIER_EPOCH: &[u8] = b"verifier_epoch";
/// epoch-rewards: a node's attestation sequence and participation, `[NODE_REWARDS, node]`.
pub const NODE_REWARDS: &[u8] = b"node_rewards";
/// epoch-rewards: a holder's vesting rewards of one epoch, `[VESTING, holder, index]`.
pub const VESTING: &[u8] = b"vesting";

/// buyback-vault: the singleton config; owner of the IFX and wETH vaults.
pub const BUYBACK_CONFIG: &[u8] = b"buyback_config";
/// buyback-vault: the PDA node-license and node-staking accept as their buyback authority; it
/// also holds bought-back licenses.
pub const BUYBACK_AUTHORITY: &[u8] = b"buyback_authority";
/// buyback-vault: the IFX fund.
pub const BUYBACK_IFX_VAULT: &[u8] = b"buyback_ifx_vault";
/// buyback-vault: the wETH vault.
pub const BUYBACK_WETH_VAULT: &[u8] = b"buyback_weth_vault";
/// buyback-vault: one per bought-back license, `[BOUGHT_BACK, license_mint]`.
pub const BOUGHT_BACK: &[u8] = b"bought_back";
/// buyback-vault: an IFX payout vesting over 30 days, `[BUYBACK_VESTING, license_mint]`.
pub const BUYBACK_VESTING: &[u8] = b"buyback_vesting";
