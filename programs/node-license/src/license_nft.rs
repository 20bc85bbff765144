//! Minting one license NFT: a Token-2022 mint with 0 decimals and supply 1, MetadataPointer to
//! itself and TokenMetadata (name, symbol, uri, kind/tier/serial), minted into the holder's
//! associated token account, frozen for the transfer lock, and with its mint authority removed.

use crate::constants::{
    LICENSE_SYMBOL, METADATA_FIELD_KIND, METADATA_FIELD_SERIAL, METADATA_FIELD_TIER,
};
use crate::state::{LicenseKind, LicenseRecord, Sale};
use anchor_lang::prelude::*;
use anchor_lang::system_program;
use anchor_spl::token_2022::spl_token_2022::instruction::AuthorityType;
use anchor_spl::token_2022_extensions::spl_pod::optional_keys::OptionalNonZeroPubkey;
use anchor_spl::token_2022_extensions::spl_token_metadata_interface::state::{
    Field, TokenMetadata,
};
use anchor_spl::token_2022_extensions::{
    token_metadata_initialize, token_metadata_update_field, TokenMetadataInitialize,
    TokenMetadataUpdateField,
};
use anchor_spl::token_interface::{
    freeze_account, mint_to, set_authority, FreezeAccount, MintTo, SetAuthority,
};
use inferix_common::seeds;

/// What the NFT's TokenMetadata says.
pub struct LicenseMetadata {
    pub name: String,
    pub uri: String,
    pub kind: String,
    pub tier: String,
    pub serial: String,
}

/// What a new license is: the record fields that are not derived from its accounts.
pub struct LicenseTerms {
    pub sale: Pubkey,
    pub kind: LicenseKind,
    /// 1-based tier; 0 for an airdrop.
    pub tier: u8,
    pub serial: u32,
    pub price_paid_usd: u64,
    pub airdrop: bool,
    pub minted_at: i64,
    pub lock_duration_secs: i64,
}

/// The accounts a license mint touches. `config` is the mint, freeze and update authority.
pub struct LicenseNft<'a, 'info> {
    pub payer: &'a AccountInfo<'info>,
    pub mint: &'a AccountInfo<'info>,
    pub holder_account: &'a AccountInfo<'info>,
    pub config: &'a AccountInfo<'info>,
    pub config_bump: u8,
    pub token_program: &'a AccountInfo<'info>,
    pub system_program: &'a AccountInfo<'info>,
}

impl<'info> LicenseNft<'_, 'info> {
    /// Mints the license NFT, locked for `terms.lock_duration_secs` (0 = never locked), and
    /// returns its license record.
    pub fn issue(
        &self,
        metadata: LicenseMetadata,
        terms: LicenseTerms,
        record_bump: u8,
    ) -> Result<LicenseRecord> {
        let locked = terms.lock_duration_secs > 0;
        self.mint(metadata, locked)?;
        Ok(LicenseRecord {
            mint: self.mint.key(),
            sale: terms.sale,
            kind: terms.kind,
            tier: terms.tier,
            serial: terms.serial,
            price_paid_usd: terms.price_paid_usd,
            purchased_at: terms.minted_at,
            unlocks_at: terms.minted_at.saturating_add(terms.lock_duration_secs),
            airdrop: terms.airdrop,
            locked,
            bump: record_bump,
        })
    }

    /// Writes the metadata, mints the single token, freezes it when `lock` and removes the mint
    /// authority so no second token can ever exist.
    fn mint(&self, metadata: LicenseMetadata, lock: bool) -> Result<()> {
        self.fund_metadata_rent(&metadata)?;
        let bump = [self.config_bump];
        let signer_seeds: &[&[&[u8]]] = &[&[seeds::LICENSE_CONFIG, &bump]];
        let program_id = self.token_program.key();

        token_metadata_initialize(
            CpiContext::new_with_signer(
                program_id,
                TokenMetadataInitialize {
                    program_id: self.token_program.clone(),
                    metadata: self.mint.clone(),
                    update_authority: self.config.clone(),
                    mint_authority: self.config.clone(),
                    mint: self.mint.clone(),
                },
                signer_seeds,
            ),
            metadata.name,
            LICENSE_SYMBOL.to_string(),
            metadata.uri,
        )?;
        for (key, value) in [
            (METADATA_FIELD_KIND, metadata.kind),
            (METADATA_FIELD_TIER, metadata.tier),
            (METADATA_FIELD_SERIAL, metadata.serial),
        ] {
            token_metadata_update_field(
                CpiContext::new_with_signer(
                    program_id,
                    TokenMetadataUpdateField {
                        program_id: self.token_program.clone(),
                        metadata: self.mint.clone(),
                        update_authority: self.config.clone(),
                    },
                    signer_seeds,
                ),
                Field::Key(key.to_string()),
                value,
            )?;
        }

        mint_to(
            CpiContext::new_with_signer(
                program_id,
                MintTo {
                    mint: self.mint.clone(),
                    to: self.holder_account.clone(),
                    authority: self.config.clone(),
                },
                signer_seeds,
            ),
            1,
        )?;
        if lock {
            freeze_account(CpiContext::new_with_signer(
                program_id,
                FreezeAccount {
                    account: self.holder_account.clone(),
                    mint: self.mint.clone(),
                    authority: self.config.clone(),
                },
                signer_seeds,
            ))?;
        }
        set_authority(
            CpiContext::new_with_signer(
                program_id,
                SetAuthority {
                    current_authority: self.config.clone(),
                    account_or_mint: self.mint.clone(),
                },
                signer_seeds,
            ),
            AuthorityType::MintTokens,
            None,
        )
    }

    /// Token-2022 grows the mint account for the metadata TLV entry but does not fund it: top
    /// the mint up to rent exemption at its final size first.
    fn fund_metadata_rent(&self, metadata: &LicenseMetadata) -> Result<()> {
        let final_metadata = TokenMetadata {
            update_authority: OptionalNonZeroPubkey::try_from(Some(self.config.key()))?,
            mint: self.mint.key(),
            name: metadata.name.clone(),
            symbol: LICENSE_SYMBOL.to_string(),
            uri: metadata.uri.clone(),
            additional_metadata: vec![
                (METADATA_FIELD_KIND.to_string(), metadata.kind.clone()),
                (METADATA_FIELD_TIER.to_string(), metadata.tier.clone()),
                (METADATA_FIELD_SERIAL.to_string(), metadata.serial.clone()),
            ],
        };
        let final_len = self.mint.data_len() + final_metadata.tlv_size_of()?;
        let shortfall = Rent::get()?
            .minimum_balance(final_len)
            .saturating_sub(self.mint.lamports());
        if shortfall > 0 {
            system_program::transfer(
                CpiContext::new(
                    self.system_program.key(),
                    system_program::Transfer {
                        from: self.payer.clone(),
                        to: self.mint.clone(),
                    },
                ),
                shortfall,
            )?;
        }
        Ok(())
    }
}

impl LicenseMetadata {
    /// Metadata of license `serial` of `sale`; `tier_label` is the tier number or
    /// [`crate::constants::AIRDROP_TIER_LABEL`].
    pub fn new(sale: &Sale, tier_label: String, serial: u32) -> Self {
        Self {
            name: format!("Inferix {} License #{}", sale.kind.display_name(), serial),
            uri: sale.metadata_uri.clone(),
            kind: sale.kind.label().to_string(),
            tier: tier_label,
            serial: serial.to_string(),
        }
    }
}

/// Thaws the token account holding a locked license (config PDA is the freeze authority).
pub(crate) fn thaw_license<'info>(
    token_program: &AccountInfo<'info>,
    holder_account: &AccountInfo<'info>,
    mint: &AccountInfo<'info>,
    config: &AccountInfo<'info>,
    config_bump: u8,
) -> Result<()> {
    let bump = [config_bump];
    let signer_seeds: &[&[&[u8]]] = &[&[seeds::LICENSE_CONFIG, &bump]];
    anchor_spl::token_interface::thaw_account(CpiContext::new_with_signer(
        token_program.key(),
        anchor_spl::token_interface::ThawAccount {
            account: holder_account.clone(),
            mint: mint.clone(),
            authority: config.clone(),
        },
        signer_seeds,
    ))
}
