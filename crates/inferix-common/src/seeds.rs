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
