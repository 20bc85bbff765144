use anchor_lang::prelude::{AccountInfo, Pubkey};
use anchor_lang::solana_program::bpf_loader_upgradeable;
use anchor_lang::solana_program::entrypoint::ProgramResult;
use anchor_lang::solana_program::system_instruction;
use anchor_lang::AccountDeserialize;
use inferix_sdk::client::ChainError;
use solana_account::Account;
use solana_banks_interface::{
    BanksTransactionResultWithMetadata, BanksTransactionResultWithSimulation,
};
use solana_clock::Clock;
use solana_instruction::error::InstructionError;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_program_pack::Pack;
use solana_program_test::{processor, BanksClientError, ProgramTest, ProgramTestContext};
use solana_signer::Signer;
use solana_transaction::versioned::VersionedTransaction;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;
use spl_token_2022_interface::extension::StateWithExtensions;

pub const SPL_TOKEN_ID: Pubkey = anchor_spl::token::ID;
pub const TOKEN_2022_ID: Pubkey = anchor_spl::token_2022::ID;
pub const LAMPORTS_PER_SOL: u64 = 1_000_000_000;
/// The owner of every sysvar account.
const SYSVAR_OWNER: Pubkey = Pubkey::from_str_const("Sysvar1111111111111111111111111111111111111");

// Anchor's entry wants one lifetime for the slice and its items; program-test's is shorter.
fn node_license_entry(program_id: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    let accounts: &[AccountInfo] = unsafe { std::mem::transmute(accounts) };
    crate::heap::measured("node_license", accounts, data, || {
        node_license::entry(program_id, accounts, data)
    })
}

fn epoch_rewards_entry(
    program_id: &Pubkey,
    accounts: &[AccountInfo],
    data: &[u8],
) -> ProgramResult {
    let accounts: &[AccountInfo] = unsafe { std::mem::transmute(accounts) };
    crate::heap::measured("epoch_rewards", accounts, data, || {
        epoch_rewards::entry(program_id, accounts, data)
    })
}

fn buyback_vault_entry(
    program_id: &Pubkey,
    accounts: &[AccountInfo],
    data: &[u8],
) -> ProgramResult {
    let accounts: &[AccountInfo] = unsafe { std::mem::transmute(accounts) };
    crate::heap::measured("buyback_vault", accounts, data, || {
        buyback_vault::entry(program_id, accounts, data)
    })
}

fn node_staking_entry(program_id: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    let accounts: &[AccountInfo] = unsafe { std::mem::transmute(accounts) };
    crate::heap::measured("node_staking", accounts, data, || {
        node_staking::entry(program_id, accounts, data)
    })
}

/// The `ProgramData` account the upgradeable loader keeps for a deployed program, naming its
/// upgrade authority. Native programs have none, so the bank gets it as on a real cluster.
fn program_data_account(upgrade_authority: &Pubkey) -> Account {
    let mut data = Vec::with_capacity(45);
    data.extend_from_slice(&3u32.to_le_bytes()); // UpgradeableLoaderState::ProgramData
    data.extend_from_slice(&0u64.to_le_bytes()); // deployment slot
    data.push(1);
    data.extend_from_slice(upgrade_authority.as_ref());
    Account {
        lamports: LAMPORTS_PER_SOL,
        data,
        owner: bpf_loader_upgradeable::ID,
        executable: false,
        rent_epoch: 0,
    }
}

pub use inferix_sdk::pda::program_data as program_data_address;

/// program-test logs every instruction at DEBUG unless `RUST_LOG` says otherwise; default it to
/// `error` once, before any bank starts, so test and demo output stay readable
/// (`RUST_LOG=debug` brings the program logs back).
fn quiet_logs_unless_asked() {
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| {
        if std::env::var_os("RUST_LOG").is_none() {
            std::env::set_var("RUST_LOG", "error");
        }
    });
}

/// A running local bank with every Inferix program, and `deployer` as their upgrade authority.
pub struct Bank {
    pub ctx: ProgramTestContext,
    pub deployer: Keypair,
    /// The authority of the test mints (IFX, USD stablecoin, wETH): the faucet signs with it.
    pub faucet: Keypair,
    /// The clock's `unix_timestamp`: it moves only when a test moves it.
    time: i64,
    /// Send with the current blockhash instead of warping to a fresh one, for runs whose
    /// transactions are all distinct (benchmarks: a warp freezes a bank, which costs more as the
    /// bank grows and would swamp the instruction being timed).
    pub reuse_blockhash: bool,
    /// Every account a transaction named: the bank's stand-in for an RPC node's account index
    /// (`getProgramAccounts`), which program-test does not serve.
    named_accounts: std::collections::BTreeSet<Pubkey>,
}

/// The outcome of a transaction: `Ok` or the error the bank returned.
pub type TxResult = Result<(), BanksClientError>;

impl Bank {
    pub async fn start() -> Self {
        Self::start_with(Keypair::new(), Keypair::new()).await
    }

    /// A bank whose programs' upgrade authority is `deployer` and whose test mints' authority is
    /// `faucet` (a restarted cluster keeps both).
    pub async fn start_with(deployer: Keypair, faucet: Keypair) -> Self {
        quiet_logs_unless_asked();
        let mut pt = ProgramTest::default();
        pt.prefer_bpf(false);
        pt.add_program(
            "node_license",
            node_license::ID,
            processor!(node_license_entry),
        );
        pt.add_program(
            "node_staking",
            node_staking::ID,
            processor!(node_staking_entry),
        );
        pt.add_program(
            "epoch_rewards",
            epoch_rewards::ID,
            processor!(epoch_rewards_entry),
        );
        pt.add_program(
            "buyback_vault",
            buyback_vault::ID,
            processor!(buyback_vault_entry),
        );
        for program_id in [
            node_license::ID,
            node_staking::ID,
            epoch_rewards::ID,
            buyback_vault::ID,
        ] {
            pt.add_account(
                program_data_address(&program_id),
                program_data_account(&deployer.pubkey()),
            );
        }
        pt.add_account(deployer.pubkey(), system_account(1_000 * LAMPORTS_PER_SOL));
        let ctx = pt.start_with_context().await;
        crate::heap::install();
        let clock: Clock = ctx.banks_client.get_sysvar().await.expect("clock sysvar");
        Self {
            ctx,
            deployer,
            faucet,
            time: clock.unix_timestamp,
            reuse_blockhash: false,
            named_accounts: Default::default(),
        }
    }

    pub fn payer(&self) -> Keypair {
        self.ctx.payer.insecure_clone()
    }

    /// Sends one transaction paid by the bank's payer and signed by `signers` as well.
    pub async fn send(&mut self, instructions: &[Instruction], signers: &[&Keypair]) -> TxResult {
        let blockhash = if self.reuse_blockhash {
            self.ctx
                .banks_client
                .get_latest_blockhash()
                .await
                .expect("bank serves a blockhash")
        } else {
            self.fresh_blockhash().await
        };
        let payer = self.payer();
        self.sign_and_send(&payer, instructions, signers, blockhash)
            .await
    }

    /// Sends `instructions` with `fee_payer` paying and signing (an attestation is paid by the
    /// node's operator, SPEC §10), plus `signers`.
    pub async fn send_paid_by(
        &mut self,
        fee_payer: &Keypair,
        instructions: &[Instruction],
        signers: &[&Keypair],
    ) -> TxResult {
        let blockhash = self.fresh_blockhash().await;
        self.sign_and_send(fee_payer, instructions, signers, blockhash)
            .await
    }

    async fn sign_and_send(
        &mut self,
        fee_payer: &Keypair,
        instructions: &[Instruction],
        signers: &[&Keypair],
        blockhash: solana_hash::Hash,
    ) -> TxResult {
        let mut all: Vec<&Keypair> = vec![fee_payer];
        all.extend_from_slice(signers);
        let tx = Transaction::new_signed_with_payer(
            instructions,
            Some(&fee_payer.pubkey()),
            &all,
            blockhash,
        );
        self.send_transaction(tx).await
    }

    /// Processes a transaction signed elsewhere (by the worker's chain code, as it would be
    /// sent to an RPC node).
    pub async fn send_transaction(&mut self, tx: Transaction) -> TxResult {
        self.named_accounts
            .extend(tx.message.account_keys.iter().copied());
        self.ctx.banks_client.process_transaction(tx).await
    }

    /// The bank's current slot.
    pub async fn slot(&mut self) -> u64 {
        self.ctx
            .banks_client
            .get_root_slot()
            .await
            .expect("bank serves its slot")
    }

    /// The blockhash a client signs with now.
    pub async fn latest_blockhash(&mut self) -> solana_hash::Hash {
        self.ctx
            .banks_client
            .get_latest_blockhash()
            .await
            .expect("bank serves a blockhash")
    }

    /// Whether the bank still accepts transactions signed with `blockhash` (it prices a
    /// message only while its blockhash is valid).
    pub async fn is_blockhash_valid(&mut self, blockhash: &solana_hash::Hash) -> bool {
        let payer = self.ctx.payer.pubkey();
        let message = solana_message::Message::new_with_blockhash(&[], Some(&payer), blockhash);
        matches!(
            self.ctx.banks_client.get_fee_for_message(message).await,
            Ok(Some(_))
        )
    }

    /// Runs a transaction without committing it: its result, logs and compute units.
    pub async fn simulate(
        &mut self,
        tx: VersionedTransaction,
    ) -> Result<BanksTransactionResultWithSimulation, BanksClientError> {
        self.ctx.banks_client.simulate_transaction(tx).await
    }

    /// Processes a transaction signed elsewhere (an RPC client's), with its logs.
    pub async fn process(
        &mut self,
        tx: VersionedTransaction,
    ) -> Result<BanksTransactionResultWithMetadata, BanksClientError> {
        self.named_accounts
            .extend(tx.message.static_account_keys().iter().copied());
        self.ctx
            .banks_client
            .process_transaction_with_metadata(tx)
            .await
    }

    /// The accounts any transaction named that `keep` selects: the bank's stand-in for a node's
    /// account index (`getProgramAccounts`, `getTokenAccountsByOwner`).
    pub async fn named_accounts_where(
        &mut self,
        keep: impl Fn(&Account) -> bool,
    ) -> Vec<(Pubkey, Account)> {
        let mut found = vec![];
        for address in self.named_accounts.clone() {
            if let Some(account) = self.account(&address).await {
                if keep(&account) {
                    found.push((address, account));
                }
            }
        }
        found
    }

    /// Loads `accounts` as a restarted cluster's ledger kept them and moves past `slot`, so
    /// slots never go back. A kept account with no lamports was closed: it stays absent.
    pub async fn restore(&mut self, accounts: Vec<(Pubkey, Account)>, slot: u64) {
        for (address, account) in accounts {
            if account.lamports > 0 {
                self.named_accounts.insert(address);
                self.ctx.set_account(&address, &account.into());
            }
        }
        let current = self.slot().await;
        if slot >= current {
            self.ctx
                .warp_to_slot(slot + 1)
                .expect("warping past the ledger's slot");
            self.pin_clock().await;
        }
    }

    /// The accounts at `addresses` as a ledger keeps them: programs and sysvars are the bank's
    /// own and left out; a missing (closed) account is kept as an empty one.
    pub async fn kept_accounts(
        &mut self,
        addresses: impl IntoIterator<Item = Pubkey>,
    ) -> Vec<(Pubkey, Account)> {
        let mut kept = vec![];
        for address in addresses {
            let account = self.account(&address).await.unwrap_or_default();
            if !account.executable && account.owner != SYSVAR_OWNER {
                kept.push((address, account));
            }
        }
        kept
    }

    /// Every account a transaction has named so far.
    pub fn named_accounts(&self) -> Vec<Pubkey> {
        self.named_accounts.iter().copied().collect()
    }

    /// A blockhash no earlier transaction used, so resending identical instructions is a new
    /// transaction. Warping a slot yields one at once (waiting for the next slot would take a
    /// real-time slot); the warp would also let the bank's clock drift, so it is pinned back to
    /// the test's time.
    pub async fn fresh_blockhash(&mut self) -> solana_hash::Hash {
        let slot = self
            .ctx
            .banks_client
            .get_root_slot()
            .await
            .expect("bank serves its slot");
        self.ctx.warp_to_slot(slot + 2).expect("warping one slot");
        self.pin_clock().await;
        self.ctx
            .banks_client
            .get_latest_blockhash()
            .await
            .expect("bank serves a blockhash")
    }

    async fn pin_clock(&mut self) {
        let mut clock = self.clock().await;
        clock.unix_timestamp = self.time;
        self.ctx.set_sysvar(&clock);
    }

    /// A new wallet with `sol` SOL.
    pub async fn new_wallet(&mut self, sol: u64) -> Keypair {
        let wallet = Keypair::new();
        let payer = self.payer();
        self.send(
            &[system_instruction::transfer(
                &payer.pubkey(),
                &wallet.pubkey(),
                sol * LAMPORTS_PER_SOL,
            )],
            &[],
        )
        .await
        .expect("funding a wallet");
        wallet
    }

    pub async fn now(&mut self) -> i64 {
        self.time
    }

    async fn clock(&mut self) -> Clock {
        self.ctx
            .banks_client
            .get_sysvar::<Clock>()
            .await
            .expect("clock sysvar")
    }

    /// Moves the bank's clock to `unix_timestamp` (program-test's slot warp leaves time alone).
    pub async fn set_time(&mut self, unix_timestamp: i64) {
        self.time = unix_timestamp;
        self.pin_clock().await;
    }

    /// Moves the clock `secs` seconds forward.
    pub async fn advance(&mut self, secs: i64) {
        self.set_time(self.time + secs).await;
    }

    pub async fn account(&mut self, address: &Pubkey) -> Option<Account> {
        self.ctx
            .banks_client
            .get_account(*address)
            .await
            .expect("bank reads accounts")
    }

    /// Decodes an Anchor account (discriminator checked).
    pub async fn anchor_account<T: AccountDeserialize>(&mut self, address: &Pubkey) -> T {
        let account = self
            .account(address)
            .await
            .unwrap_or_else(|| panic!("account {address} exists"));
        T::try_deserialize(&mut account.data.as_slice()).expect("account decodes")
    }

    /// Writes an account directly into the bank (e.g. an oracle account another program owns);
    /// it is indexed like an account a transaction named.
    pub fn put_account(&mut self, address: &Pubkey, account: Account) {
        self.named_accounts.insert(*address);
        self.ctx.set_account(address, &account.into());
    }

    /// Writes an empty token account of `mint` owned by `owner` at `address` (a program's vault
    /// that the program which would create it is not deployed to create).
    pub fn put_token_account(
        &mut self,
        address: &Pubkey,
        mint: &Pubkey,
        owner: &Pubkey,
        token_program: &Pubkey,
    ) {
        let mut data = vec![0u8; spl_token_2022_interface::state::Account::LEN];
        spl_token_2022_interface::state::Account {
            mint: *mint,
            owner: *owner,
            state: spl_token_2022_interface::state::AccountState::Initialized,
            ..Default::default()
        }
        .pack_into_slice(&mut data);
        let account = Account {
            lamports: LAMPORTS_PER_SOL,
            data,
            owner: *token_program,
            executable: false,
            rent_epoch: 0,
        };
        self.put_account(address, account);
    }

    pub async fn lamports(&mut self, address: &Pubkey) -> u64 {
        self.account(address).await.map_or(0, |a| a.lamports)
    }

    /// Creates a mint of `token_program` (SPL Token or Token-2022) with the faucet as authority.
    pub async fn create_mint(&mut self, token_program: &Pubkey, decimals: u8) -> Pubkey {
        let payer = self.faucet.pubkey();
        self.create_token_state(
            token_program,
            spl_token_2022_interface::state::Mint::LEN,
            |mint| {
                spl_token_2022_interface::instruction::initialize_mint2(
                    token_program,
                    mint,
                    &payer,
                    None,
                    decimals,
                )
            },
        )
        .await
    }

    /// A token account of `owner` for `mint` at a fresh (non-associated) address.
    pub async fn create_token_account(
        &mut self,
        owner: &Pubkey,
        mint: &Pubkey,
        token_program: &Pubkey,
    ) -> Pubkey {
        self.create_token_state(
            token_program,
            spl_token_2022_interface::state::Account::LEN,
            |account| {
                spl_token_2022_interface::instruction::initialize_account3(
                    token_program,
                    account,
                    mint,
                    owner,
                )
            },
        )
        .await
    }

    /// Creates a rent-exempt account of `space` bytes owned by `token_program` at a fresh address
    /// and initializes it with the instruction `initialize` builds for that address.
    async fn create_token_state(
        &mut self,
        token_program: &Pubkey,
        space: usize,
        initialize: impl FnOnce(&Pubkey) -> Result<Instruction, anchor_lang::prelude::ProgramError>,
    ) -> Pubkey {
        let account = Keypair::new();
        let payer = self.payer();
        let rent = self
            .ctx
            .banks_client
            .get_rent()
            .await
            .unwrap()
            .minimum_balance(space);
        let create = system_instruction::create_account(
            &payer.pubkey(),
            &account.pubkey(),
            rent,
            space as u64,
            token_program,
        );
        let init = initialize(&account.pubkey()).expect("a valid token instruction");
        self.send(&[create, init], &[&account])
            .await
            .expect("creating a token account or mint");
        account.pubkey()
    }

    /// The associated token account of `owner` for `mint`, created if missing.
    pub async fn ata(&mut self, owner: &Pubkey, mint: &Pubkey, token_program: &Pubkey) -> Pubkey {
        let address = ata_address(owner, mint, token_program);
        if self.account(&address).await.is_none() {
            let payer = self.payer();
            self.send(
                &[spl_associated_token_account_interface::instruction::create_associated_token_account(
                    &payer.pubkey(),
                    owner,
                    mint,
                    token_program,
                )],
                &[],
            )
            .await
            .expect("creating an associated token account");
        }
        address
    }

    /// Mints `amount` of a faucet-controlled mint into any token account (a program's vault).
    pub async fn mint_to(
        &mut self,
        mint: &Pubkey,
        token_program: &Pubkey,
        account: &Pubkey,
        amount: u64,
    ) {
        let faucet = self.faucet.insecure_clone();
        self.send(
            &[spl_token_2022_interface::instruction::mint_to(
                token_program,
                mint,
                account,
                &faucet.pubkey(),
                &[],
                amount,
            )
            .unwrap()],
            &[&faucet],
        )
        .await
        .expect("minting test tokens");
    }

    /// Mints `amount` of a faucet-controlled mint into `owner`'s associated account.
    pub async fn fund_tokens(
        &mut self,
        owner: &Pubkey,
        mint: &Pubkey,
        token_program: &Pubkey,
        amount: u64,
    ) -> Pubkey {
        let account = self.ata(owner, mint, token_program).await;
        self.mint_to(mint, token_program, &account, amount).await;
        account
    }

    /// Token balance of a token account (either token program); 0 when it does not exist.
    pub async fn token_balance(&mut self, account: &Pubkey) -> u64 {
        match self.account(account).await {
            Some(a) => {
                StateWithExtensions::<spl_token_2022_interface::state::Account>::unpack(&a.data)
                    .expect("a token account")
                    .base
                    .amount
            }
            None => 0,
        }
    }

    /// The supply of token mint `mint`.
    pub async fn mint_supply(&mut self, mint: &Pubkey) -> u64 {
        let account = self.account(mint).await.expect("the mint exists");
        StateWithExtensions::<spl_token_2022_interface::state::Mint>::unpack(&account.data)
            .expect("a mint")
            .base
            .supply
    }

    /// Lamports and token balances of `accounts`, to prove a failed instruction moved nothing.
    pub async fn snapshot(&mut self, accounts: &[Pubkey]) -> Vec<(u64, Vec<u8>)> {
        let mut state = Vec::with_capacity(accounts.len());
        for address in accounts {
            state.push(match self.account(address).await {
                Some(a) => (a.lamports, a.data),
                None => (0, vec![]),
            });
        }
        state
    }
}

pub fn system_account(lamports: u64) -> Account {
    Account {
        lamports,
        data: vec![],
        owner: anchor_lang::solana_program::system_program::ID,
        executable: false,
        rent_epoch: 0,
    }
}

pub use inferix_sdk::pda::associated_token as ata_address;

/// The CLI, the migrations and the main job run on the bank exactly as on an RPC node.
impl inferix_sdk::client::Chain for Bank {
    async fn account(&mut self, address: &Pubkey) -> Result<Option<Account>, ChainError> {
        self.ctx
            .banks_client
            .get_account(*address)
            .await
            .map_err(|e| ChainError::Unreachable(e.to_string()))
    }

    async fn send(
        &mut self,
        instructions: &[Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
    ) -> Result<String, ChainError> {
        let blockhash = self.fresh_blockhash().await;
        let tx = inferix_sdk::client::transaction(instructions, payer, signers, blockhash)?;
        let signature = tx.signatures[0].to_string();
        match self.send_transaction(tx).await {
            Ok(()) => Ok(signature),
            Err(BanksClientError::TransactionError(e))
            | Err(BanksClientError::SimulationError { err: e, .. }) => {
                Err(ChainError::refused(e, instructions))
            }
            Err(e) => Err(ChainError::Unreachable(e.to_string())),
        }
    }

    async fn program_accounts(
        &mut self,
        program: &Pubkey,
        filters: &[(usize, &[u8])],
    ) -> Result<Vec<(Pubkey, Account)>, ChainError> {
        Ok(self
            .named_accounts_where(|account| {
                let holds = |(offset, bytes): &(usize, &[u8])| {
                    account.data.get(*offset..offset + bytes.len()) == Some(*bytes)
                };
                account.owner == *program && filters.iter().all(holds)
            })
            .await)
    }

    async fn unix_timestamp(&mut self) -> Result<i64, ChainError> {
        Ok(self.time)
    }
}

/// The custom error code a failed transaction carries, if any.
pub fn custom_error(result: &TxResult) -> Option<u32> {
    match result.as_ref().err()?.unwrap() {
        TransactionError::InstructionError(_, InstructionError::Custom(code)) => Some(code),
        _ => None,
    }
}
