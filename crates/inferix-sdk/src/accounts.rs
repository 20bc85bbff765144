//! Typed account fetching: an address read through any [`Chain`] and decoded as the program's
//! account type, after checking the owner program and the discriminator.
//!
//! ```
//! use inferix_sdk::accounts::decode;
//! use inferix_sdk::node_staking::state::Node;
//! use solana_account::Account;
//!
//! let address = inferix_sdk::pda::node(&anchor_lang::prelude::Pubkey::new_unique());
//! let not_a_node = Account { owner: inferix_sdk::node_staking::ID, data: vec![0; 16], ..Default::default() };
//! let err = decode::<Node>(&address, &not_a_node).err().expect("refused");
//! assert!(err.to_string().contains("is not a Node"));
//! ```

use anchor_lang::prelude::Pubkey;
use anchor_lang::{AccountDeserialize, Discriminator, Owner};
use solana_account::Account;

use crate::client::{Chain, ChainError};

/// Decodes `account` as `T`, refusing an account of another program or type.
pub fn decode<T: AccountDeserialize + Owner + Discriminator>(
    address: &Pubkey,
    account: &Account,
) -> Result<T, ChainError> {
    let type_name = std::any::type_name::<T>()
        .rsplit("::")
        .next()
        .unwrap_or("?");
    let bad = |reason: String| ChainError::BadAccount {
        address: *address,
        reason,
    };
    if account.owner != T::owner() {
        return Err(bad(format!(
            "is owned by {}, not by the program that keeps a {type_name}",
            account.owner
        )));
    }
    if !account.data.starts_with(T::DISCRIMINATOR) {
        return Err(bad(format!("is not a {type_name}")));
    }
    T::try_deserialize(&mut account.data.as_slice())
        .map_err(|e| bad(format!("is not a {type_name}: {e}")))
}

/// The `T` at `address`, or `None` when no account exists there.
pub async fn fetch<T: AccountDeserialize + Owner + Discriminator>(
    chain: &mut impl Chain,
    address: &Pubkey,
) -> Result<Option<T>, ChainError> {
    match chain.account(address).await? {
        Some(account) => decode(address, &account).map(Some),
        None => Ok(None),
    }
}

/// The `T` at each of `addresses` (`None` where no account exists), read in as few calls as the
/// cluster allows.
pub async fn fetch_many<T: AccountDeserialize + Owner + Discriminator>(
    chain: &mut impl Chain,
    addresses: &[Pubkey],
) -> Result<Vec<Option<T>>, ChainError> {
    let accounts = chain.accounts(addresses).await?;
    addresses
        .iter()
        .zip(accounts)
        .map(|(address, account)| account.map(|a| decode(address, &a)).transpose())
        .collect()
}

/// Every `T` its program owns whose data also holds each `(offset, bytes)` of `filters` (RPC
/// `getProgramAccounts`; offsets count the 8-byte discriminator), decoded.
pub async fn fetch_all<T: AccountDeserialize + Owner + Discriminator>(
    chain: &mut impl Chain,
    filters: &[(usize, &[u8])],
) -> Result<Vec<(Pubkey, T)>, ChainError> {
    let mut all = vec![(0, T::DISCRIMINATOR)];
    all.extend_from_slice(filters);
    let accounts = chain.program_accounts(&T::owner(), &all).await?;
    accounts
        .iter()
        .map(|(address, account)| decode(address, account).map(|t| (*address, t)))
        .collect()
}

/// The balance of an SPL Token or Token-2022 account (the amount field of either layout), or
/// `None` when the account does not exist.
pub async fn token_balance(
    chain: &mut impl Chain,
    address: &Pubkey,
) -> Result<Option<u64>, ChainError> {
    let Some(account) = chain.account(address).await? else {
        return Ok(None);
    };
    let token_program =
        account.owner == anchor_spl::token::ID || account.owner == anchor_spl::token_2022::ID;
    match account.data.get(64..72) {
        Some(amount) if token_program => Ok(Some(u64::from_le_bytes(
            amount.try_into().expect("8 bytes"),
        ))),
        _ => Err(ChainError::BadAccount {
            address: *address,
            reason: "is not a token account".into(),
        }),
    }
}
