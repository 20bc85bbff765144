//! Checking signatures through the Ed25519 precompile (SPEC §5, §9).
//!
//! The runtime verifies every signature of an Ed25519 precompile instruction before any program
//! runs, but it verifies whatever bytes the offsets point at, anywhere in the transaction. A
//! program must therefore prove that the precompile checked *its* message by *its* signers. We
//! accept exactly one layout, which the off-chain signer builds with [`build_instruction_data`]:
//!
//! ```text
//! [count u8][0u8][offsets × count][(pubkey 32 ‖ signature 64) × count][message]
//! ```
//!
//! every offset pointing into this same instruction (`u16::MAX` instruction indices), one shared
//! message, and the precompile instruction placed immediately before the program instruction.
//! Anything else — other offsets, indices into another instruction, extra bytes, other keys, other
//! message bytes — is rejected with a named [`CommonError`].

use crate::errors::CommonError;
use anchor_lang::prelude::*;
use anchor_lang::solana_program::instruction::Instruction;
use solana_instructions_sysvar::{load_current_index_checked, load_instruction_at_checked};

pub use solana_sdk_ids::ed25519_program::ID as ED25519_PROGRAM_ID;
pub use solana_sdk_ids::sysvar::instructions::ID as INSTRUCTIONS_SYSVAR_ID;

const HEADER_LEN: usize = 2;
const OFFSETS_LEN: usize = 14;
const PUBKEY_LEN: usize = 32;
const SIGNATURE_LEN: usize = 64;
const ENTRY_LEN: usize = PUBKEY_LEN + SIGNATURE_LEN;
/// Instruction index meaning "this instruction" in the precompile's offsets.
const THIS_INSTRUCTION: u16 = u16::MAX;

/// Byte positions of the canonical layout for `signer_count` signers.
struct Layout {
    signer_count: usize,
    entries_start: usize,
    message_start: usize,
}

impl Layout {
    fn new(signer_count: usize) -> Self {
        let entries_start = HEADER_LEN + signer_count * OFFSETS_LEN;
        Self {
            signer_count,
            entries_start,
            message_start: entries_start + signer_count * ENTRY_LEN,
        }
    }

    fn pubkey_offset(&self, i: usize) -> usize {
        self.entries_start + i * ENTRY_LEN
    }

    fn signature_offset(&self, i: usize) -> usize {
        self.pubkey_offset(i) + PUBKEY_LEN
    }

    /// The 14 offset bytes of signature `i`, as the precompile reads them.
    fn offsets(&self, i: usize, message_len: usize) -> Result<[u8; OFFSETS_LEN]> {
        let to_u16 =
            |v: usize| u16::try_from(v).map_err(|_| error!(CommonError::Ed25519MalformedData));
        let fields = [
            to_u16(self.signature_offset(i))?,
            THIS_INSTRUCTION,
            to_u16(self.pubkey_offset(i))?,
            THIS_INSTRUCTION,
            to_u16(self.message_start)?,
            to_u16(message_len)?,
            THIS_INSTRUCTION,
        ];
        let mut bytes = [0u8; OFFSETS_LEN];
        for (chunk, field) in bytes.chunks_exact_mut(2).zip(fields) {
            chunk.copy_from_slice(&field.to_le_bytes());
        }
        Ok(bytes)
    }

    fn total_len(&self, message_len: usize) -> usize {
        self.message_start + message_len
    }

    fn check_header(&self, data: &[u8]) -> Result<()> {
        require!(data.len() >= HEADER_LEN, CommonError::Ed25519MalformedData);
        require!(
            data[0] as usize == self.signer_count,
            CommonError::Ed25519SignatureCount
        );
        require!(data[1] == 0, CommonError::Ed25519MalformedData);
        Ok(())
    }
}

/// Instruction data for the Ed25519 precompile in the canonical layout: every `(signer,
/// signature)` pair over the one `message`.
pub fn build_instruction_data(
    signatures: &[(Pubkey, [u8; 64])],
    message: &[u8],
) -> Result<Vec<u8>> {
    let count =
        u8::try_from(signatures.len()).map_err(|_| error!(CommonError::Ed25519SignatureCount))?;
    let layout = Layout::new(signatures.len());
    let mut data = Vec::with_capacity(layout.total_len(message.len()));
    data.extend_from_slice(&[count, 0]);
    for i in 0..signatures.len() {
        data.extend_from_slice(&layout.offsets(i, message.len())?);
    }
    for (signer, signature) in signatures {
        data.extend_from_slice(signer.as_ref());
        data.extend_from_slice(signature);
    }
    data.extend_from_slice(message);
    require!(
        u16::try_from(data.len()).is_ok(),
        CommonError::Ed25519MalformedData
    );
    Ok(data)
}

/// The precompile instruction to place immediately before the program instruction.
pub fn new_instruction(signatures: &[(Pubkey, [u8; 64])], message: &[u8]) -> Result<Instruction> {
    Ok(Instruction {
        program_id: ED25519_PROGRAM_ID,
        accounts: vec![],
        data: build_instruction_data(signatures, message)?,
    })
}

/// Checks that one precompile instruction (its program id and data) verified exactly
/// `expected_signers`, in this order, each over exactly `message`, in the canonical layout.
/// Signature validity itself is the runtime's: a transaction with a bad signature never executes.
pub fn check_instruction(
    program_id: &Pubkey,
    data: &[u8],
    expected_signers: &[Pubkey],
    message: &[u8],
) -> Result<()> {
    let signed = signed_message(program_id, data, expected_signers, message.len())?;
    require!(signed == message, CommonError::Ed25519MessageMismatch);
    Ok(())
}

/// Checks that one precompile instruction verified exactly `expected_signers`, in this order,
/// each over one shared message of `message_len` bytes, in the canonical layout; returns that
/// message. The caller decodes it and checks what it says.
pub fn signed_message<'a>(
    program_id: &Pubkey,
    data: &'a [u8],
    expected_signers: &[Pubkey],
    message_len: usize,
) -> Result<&'a [u8]> {
    require_keys_eq!(
        *program_id,
        ED25519_PROGRAM_ID,
        CommonError::Ed25519InstructionMissing
    );
    require!(
        !expected_signers.is_empty() && expected_signers.len() <= u8::MAX as usize,
        CommonError::Ed25519SignatureCount
    );
    for (i, signer) in expected_signers.iter().enumerate() {
        require!(
            !expected_signers[..i].contains(signer),
            CommonError::Ed25519DuplicateSigner
        );
    }

    let layout = Layout::new(expected_signers.len());
    layout.check_header(data)?;
    require!(
        data.len() >= layout.message_start,
        CommonError::Ed25519MalformedData
    );
    for (i, signer) in expected_signers.iter().enumerate() {
        let at = HEADER_LEN + i * OFFSETS_LEN;
        let found = &data[at..at + OFFSETS_LEN];
        let expected = layout.offsets(i, message_len)?;
        // Instruction indices are compared apart from the offsets so the error says which failed.
        for field in [2, 6, 12] {
            require!(
                found[field..field + 2] == THIS_INSTRUCTION.to_le_bytes(),
                CommonError::Ed25519InstructionIndexMismatch
            );
        }
        require!(found == expected, CommonError::Ed25519OffsetMismatch);
        let key_at = layout.pubkey_offset(i);
        require!(
            data[key_at..key_at + PUBKEY_LEN] == signer.to_bytes(),
            CommonError::Ed25519SignerMismatch
        );
    }
    require!(
        data.len() == layout.total_len(message_len),
        CommonError::Ed25519MessageMismatch
    );
    Ok(&data[layout.message_start..])
}

/// The message of `message_len` bytes signed, in the precompile instruction immediately before
/// the current one, by one of `managers` first and then exactly `cosigners` in order (SPEC §10:
/// a manager and the verifier quorum vouch together). Returns the manager and the message.
pub fn preceding_manager_signed_message(
    instructions_sysvar: &AccountInfo,
    managers: &[Pubkey],
    cosigners: &[Pubkey],
    message_len: usize,
) -> Result<(Pubkey, Vec<u8>)> {
    let ix = preceding_precompile_instruction(instructions_sysvar)?;
    let manager = first_signer_among(&ix.data, 1 + cosigners.len(), managers)?;
    let mut expected_signers = Vec::with_capacity(1 + cosigners.len());
    expected_signers.push(manager);
    expected_signers.extend_from_slice(cosigners);
    let signed = signed_message(&ix.program_id, &ix.data, &expected_signers, message_len)?;
    Ok((manager, signed.to_vec()))
}

/// The first signer of precompile `data` laid out for `signer_count` signers, checked to be one
/// of `allowed`.
fn first_signer_among(data: &[u8], signer_count: usize, allowed: &[Pubkey]) -> Result<Pubkey> {
    let layout = Layout::new(signer_count);
    layout.check_header(data)?;
    let at = layout.pubkey_offset(0);
    let key = data
        .get(at..at + PUBKEY_LEN)
        .ok_or_else(|| error!(CommonError::Ed25519MalformedData))?;
    let signer = Pubkey::try_from(key).map_err(|_| error!(CommonError::Ed25519MalformedData))?;
    require!(allowed.contains(&signer), CommonError::NotAManager);
    Ok(signer)
}

/// Checks, through the instructions sysvar, that `message` was signed by one of `managers` and
/// then exactly `cosigners` in the precompile instruction immediately before this one.
pub fn verify_preceding_manager_instruction(
    instructions_sysvar: &AccountInfo,
    managers: &[Pubkey],
    cosigners: &[Pubkey],
    message: &[u8],
) -> Result<Pubkey> {
    let (manager, signed) =
        preceding_manager_signed_message(instructions_sysvar, managers, cosigners, message.len())?;
    require!(signed == message, CommonError::Ed25519MessageMismatch);
    Ok(manager)
}

/// The Ed25519 precompile instruction immediately before the current one.
fn preceding_precompile_instruction(instructions_sysvar: &AccountInfo) -> Result<Instruction> {
    let current = load_current_index_checked(instructions_sysvar)
        .map_err(|_| error!(CommonError::NotInstructionsSysvar))? as usize;
    let preceding = match current.checked_sub(1) {
        Some(index) => load_instruction_at_checked(index, instructions_sysvar).ok(),
        None => None,
    };
    match preceding {
        Some(ix) if ix.program_id == ED25519_PROGRAM_ID => Ok(ix),
        _ if any_precompile_instruction(instructions_sysvar) => {
            err!(CommonError::Ed25519UnexpectedPosition)
        }
        _ => err!(CommonError::Ed25519InstructionMissing),
    }
}

/// Whether the transaction has an Ed25519 precompile instruction anywhere (to name the error).
fn any_precompile_instruction(instructions_sysvar: &AccountInfo) -> bool {
    (0..)
        .map_while(|i| load_instruction_at_checked(i, instructions_sysvar).ok())
        .any(|ix| ix.program_id == ED25519_PROGRAM_ID)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::{PorAttestation, SignedMessage};
    use anchor_lang::solana_program::sysvar::instructions::{
        construct_instructions_data, BorrowedAccountMeta, BorrowedInstruction,
    };
    use solana_keypair::Keypair;
    use solana_signer::Signer;

    fn code(result: Result<()>) -> u32 {
        match result.unwrap_err() {
            Error::AnchorError(e) => e.error_code_number,
            Error::ProgramError(e) => panic!("expected a named error, got {e:?}"),
        }
    }

    fn message(config: u8) -> Vec<u8> {
        PorAttestation {
            config: Pubkey::new_from_array([config; 32]),
            node: Pubkey::new_from_array([2; 32]),
            epoch: 1,
            seq: 1,
            ib_micros: 1_000_000,
            cumulative_ibm_micros: 60_000_000,
            jobs_verified: 3,
            work_root: [5; 32],
            issued_at: 1_000,
        }
        .to_signed_bytes()
    }

    struct Signed {
        signers: Vec<Pubkey>,
        message: Vec<u8>,
        data: Vec<u8>,
    }

    /// An operator and two verifiers sign one attestation.
    fn signed() -> Signed {
        let keys: Vec<Keypair> = (0..3).map(|_| Keypair::new()).collect();
        let message = message(1);
        let signatures: Vec<(Pubkey, [u8; 64])> = keys
            .iter()
            .map(|k| (k.pubkey(), k.sign_message(&message).into()))
            .collect();
        let data = build_instruction_data(&signatures, &message).unwrap();
        Signed {
            signers: keys.iter().map(|k| k.pubkey()).collect(),
            message,
            data,
        }
    }

    /// What the runtime does before the program runs: verify every signature of the precompile
    /// instruction against the bytes its offsets point at.
    #[allow(deprecated)] // agave-precompiles flags its API "unstable"; it is the runtime's own check
    fn precompile_accepts(data: &[u8], others: &[&[u8]]) -> bool {
        let mut all = vec![data];
        all.extend_from_slice(others);
        agave_precompiles::ed25519::verify(
            data,
            &all,
            &agave_feature_set::FeatureSet::all_enabled(),
        )
        .is_ok()
    }

    /// The runtime's precompile check followed by the program's layout check.
    fn accepted(s: &Signed, program_id: &Pubkey, data: &[u8]) -> Result<()> {
        require!(
            precompile_accepts(data, &[]),
            CommonError::Ed25519MalformedData
        );
        check_instruction(program_id, data, &s.signers, &s.message)
    }

    fn set_u16(data: &mut [u8], at: usize, value: u16) {
        data[at..at + 2].copy_from_slice(&value.to_le_bytes());
    }

    #[test]
    fn valid_quorum_is_accepted_by_runtime_and_helper() {
        let s = signed();
        assert!(precompile_accepts(&s.data, &[]));
        accepted(&s, &ED25519_PROGRAM_ID, &s.data).unwrap();
    }

    #[test]
    fn bad_signature_never_reaches_the_program() {
        let s = signed();
        let mut data = s.data.clone();
        let layout = Layout::new(3);
        data[layout.signature_offset(1)] ^= 1;
        assert!(!precompile_accepts(&data, &[]));
        // A signature by another key over the right message fails the same way.
        let mut data = s.data.clone();
        let stranger: [u8; 64] = Keypair::new().sign_message(&s.message).into();
        data[layout.signature_offset(2)..layout.signature_offset(2) + 64]
            .copy_from_slice(&stranger);
        assert!(!precompile_accepts(&data, &[]));
    }

    #[test]
    fn signature_over_other_bytes_is_rejected() {
        let s = signed();
        // Validly signed by the right keys, but over another config's message.
        let keys: Vec<Keypair> = (0..1).map(|_| Keypair::new()).collect();
        let other = message(9);
        let data = build_instruction_data(
            &[(keys[0].pubkey(), keys[0].sign_message(&other).into())],
            &other,
        )
        .unwrap();
        assert!(precompile_accepts(&data, &[]));
        assert_eq!(
            code(check_instruction(
                &ED25519_PROGRAM_ID,
                &data,
                &[keys[0].pubkey()],
                &message(1)
            )),
            u32::from(CommonError::Ed25519MessageMismatch)
        );
        // Message bytes changed after signing: the precompile rejects the signatures.
        let mut tampered = s.data.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(!precompile_accepts(&tampered, &[]));
    }

    #[test]
    fn offsets_shifted_are_rejected() {
        let s = signed();
        let layout = Layout::new(3);
        // The message moved one byte later, with the signed bytes really there: the precompile
        // accepts it, the canonical-offset check does not.
        let mut data = s.data.clone();
        data.insert(layout.message_start, 0);
        for i in 0..3 {
            set_u16(
                &mut data,
                HEADER_LEN + i * OFFSETS_LEN + 8,
                layout.message_start as u16 + 1,
            );
        }
        assert!(precompile_accepts(&data, &[]));
        assert_eq!(
            code(accepted(&s, &ED25519_PROGRAM_ID, &data)),
            u32::from(CommonError::Ed25519OffsetMismatch)
        );
        // Two entries both point at the first signer's key and signature.
        let mut data = s.data.clone();
        set_u16(
            &mut data,
            HEADER_LEN + OFFSETS_LEN,
            layout.signature_offset(0) as u16,
        );
        set_u16(
            &mut data,
            HEADER_LEN + OFFSETS_LEN + 4,
            layout.pubkey_offset(0) as u16,
        );
        assert!(precompile_accepts(&data, &[]));
        assert_eq!(
            code(accepted(&s, &ED25519_PROGRAM_ID, &data)),
            u32::from(CommonError::Ed25519OffsetMismatch)
        );
    }

    #[test]
    fn instruction_index_pointing_at_another_instruction_is_rejected() {
        let s = signed();
        // The message is taken from instruction 1, which carries the expected bytes at the same
        // offset while this instruction carries others: the runtime accepts, the helper must not.
        let mut data = s.data.clone();
        let mut other_ix = vec![0u8; data.len()];
        let start = Layout::new(3).message_start;
        other_ix[start..].copy_from_slice(&s.message);
        data[start..].copy_from_slice(&message(7));
        for i in 0..3 {
            set_u16(&mut data, HEADER_LEN + i * OFFSETS_LEN + 12, 1);
        }
        assert!(precompile_accepts(&data, &[&other_ix]));
        assert_eq!(
            code(check_instruction(
                &ED25519_PROGRAM_ID,
                &data,
                &s.signers,
                &s.message
            )),
            u32::from(CommonError::Ed25519InstructionIndexMismatch)
        );
        // Same for a public key index.
        let mut data = s.data.clone();
        set_u16(&mut data, HEADER_LEN + 6, 0);
        assert_eq!(
            code(check_instruction(
                &ED25519_PROGRAM_ID,
                &data,
                &s.signers,
                &s.message
            )),
            u32::from(CommonError::Ed25519InstructionIndexMismatch)
        );
    }

    #[test]
    fn zero_signatures_and_wrong_counts_are_rejected() {
        let s = signed();
        // A precompile instruction with zero signatures verifies nothing (and the runtime lets it
        // through).
        let empty = vec![0u8, 0];
        assert!(precompile_accepts(&empty, &[]));
        assert_eq!(
            code(accepted(&s, &ED25519_PROGRAM_ID, &empty)),
            u32::from(CommonError::Ed25519SignatureCount)
        );
        assert_eq!(
            code(check_instruction(
                &ED25519_PROGRAM_ID,
                &empty,
                &[],
                &s.message
            )),
            u32::from(CommonError::Ed25519SignatureCount)
        );
        // Fewer signers than expected (a quorum short).
        assert_eq!(
            code(check_instruction(
                &ED25519_PROGRAM_ID,
                &s.data,
                &s.signers[..2],
                &s.message
            )),
            u32::from(CommonError::Ed25519SignatureCount)
        );
    }

    #[test]
    fn other_keys_order_and_duplicates_are_rejected() {
        let s = signed();
        let mut reordered = s.signers.clone();
        reordered.swap(1, 2);
        assert_eq!(
            code(check_instruction(
                &ED25519_PROGRAM_ID,
                &s.data,
                &reordered,
                &s.message
            )),
            u32::from(CommonError::Ed25519SignerMismatch)
        );
        let mut stranger = s.signers.clone();
        stranger[2] = Pubkey::new_unique();
        assert_eq!(
            code(check_instruction(
                &ED25519_PROGRAM_ID,
                &s.data,
                &stranger,
                &s.message
            )),
            u32::from(CommonError::Ed25519SignerMismatch)
        );
        let twice = vec![s.signers[0], s.signers[1], s.signers[1]];
        assert_eq!(
            code(check_instruction(
                &ED25519_PROGRAM_ID,
                &s.data,
                &twice,
                &s.message
            )),
            u32::from(CommonError::Ed25519DuplicateSigner)
        );
    }

    #[test]
    fn message_bytes_that_differ_are_rejected() {
        let s = signed();
        assert_eq!(
            code(check_instruction(
                &ED25519_PROGRAM_ID,
                &s.data,
                &s.signers,
                &message(3)
            )),
            u32::from(CommonError::Ed25519MessageMismatch)
        );
        // Trailing bytes after the message.
        let mut longer = s.data.clone();
        longer.push(0);
        assert_eq!(
            code(check_instruction(
                &ED25519_PROGRAM_ID,
                &longer,
                &s.signers,
                &s.message
            )),
            u32::from(CommonError::Ed25519MessageMismatch)
        );
        let mut padded = s.data.clone();
        padded[1] = 1;
        assert_eq!(
            code(check_instruction(
                &ED25519_PROGRAM_ID,
                &padded,
                &s.signers,
                &s.message
            )),
            u32::from(CommonError::Ed25519MalformedData)
        );
    }

    #[test]
    fn wrong_program_id_is_rejected() {
        let s = signed();
        assert_eq!(
            code(check_instruction(
                &Pubkey::new_unique(),
                &s.data,
                &s.signers,
                &s.message
            )),
            u32::from(CommonError::Ed25519InstructionMissing)
        );
    }

    /// Runs [`verify_preceding_manager_instruction`] (the first of `s.signers` as the only
    /// manager) over a real instructions-sysvar account holding `instructions`, as executing
    /// instruction `current`.
    fn verify_in_transaction(
        s: &Signed,
        instructions: &[(Pubkey, Vec<u8>)],
        current: u16,
    ) -> Result<()> {
        verify_in_transaction_with(s, &s.signers[..1], instructions, current)
    }

    fn verify_in_transaction_with(
        s: &Signed,
        managers: &[Pubkey],
        instructions: &[(Pubkey, Vec<u8>)],
        current: u16,
    ) -> Result<()> {
        let borrowed: Vec<BorrowedInstruction> = instructions
            .iter()
            .map(|(program_id, data)| BorrowedInstruction {
                program_id,
                accounts: Vec::<BorrowedAccountMeta>::new(),
                data,
            })
            .collect();
        let mut data = construct_instructions_data(&borrowed);
        let len = data.len();
        data[len - 2..].copy_from_slice(&current.to_le_bytes());
        let key = solana_sdk_ids::sysvar::instructions::ID;
        let owner = solana_sdk_ids::sysvar::ID;
        let mut lamports = 0;
        let info = AccountInfo::new(&key, false, false, &mut lamports, &mut data, &owner, false);
        verify_preceding_manager_instruction(&info, managers, &s.signers[1..], &s.message)
            .map(|_| ())
    }

    #[test]
    fn the_first_signer_must_be_one_of_the_managers() {
        let s = signed();
        let ixs = [
            (ED25519_PROGRAM_ID, s.data.clone()),
            (Pubkey::new_unique(), vec![1]),
        ];
        let managers = [Pubkey::new_unique(), s.signers[0]];
        verify_in_transaction_with(&s, &managers, &ixs, 1).unwrap();
        assert_eq!(
            code(verify_in_transaction_with(&s, &managers[..1], &ixs, 1)),
            u32::from(CommonError::NotAManager)
        );
        // A co-signer's key is no manager either, even if the set names it.
        assert_eq!(
            code(verify_in_transaction_with(&s, &[s.signers[1]], &ixs, 1)),
            u32::from(CommonError::NotAManager)
        );
    }

    #[test]
    fn precompile_must_sit_immediately_before_the_program_instruction() {
        let s = signed();
        let program = Pubkey::new_unique();
        let precompile = (ED25519_PROGRAM_ID, s.data.clone());
        let ours = (program, vec![1]);
        let memo = (Pubkey::new_unique(), vec![2]);

        verify_in_transaction(&s, &[precompile.clone(), ours.clone()], 1).unwrap();
        assert_eq!(
            code(verify_in_transaction(
                &s,
                &[precompile.clone(), memo.clone(), ours.clone()],
                2
            )),
            u32::from(CommonError::Ed25519UnexpectedPosition)
        );
        assert_eq!(
            code(verify_in_transaction(
                &s,
                &[ours.clone(), precompile.clone()],
                0
            )),
            u32::from(CommonError::Ed25519UnexpectedPosition)
        );
        assert_eq!(
            code(verify_in_transaction(&s, &[memo, ours], 1)),
            u32::from(CommonError::Ed25519InstructionMissing)
        );
    }

    #[test]
    fn another_account_posing_as_the_sysvar_is_rejected() {
        let s = signed();
        let key = Pubkey::new_unique();
        let owner = solana_sdk_ids::sysvar::ID;
        let mut lamports = 0;
        let mut data = vec![0u8; 16];
        let info = AccountInfo::new(&key, false, false, &mut lamports, &mut data, &owner, false);
        assert_eq!(
            code(
                verify_preceding_manager_instruction(
                    &info,
                    &s.signers[..1],
                    &s.signers[1..],
                    &s.message
                )
                .map(|_| ())
            ),
            u32::from(CommonError::NotInstructionsSysvar)
        );
    }
}
