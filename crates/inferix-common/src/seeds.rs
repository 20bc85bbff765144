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
